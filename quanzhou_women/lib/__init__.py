"""Small helpers shared by the portal's apps (admin bases, spreadsheets in and out, import-export glue)."""
