"""Small helpers shared by the portal's apps (spreadsheets in and out, import-export glue)."""
