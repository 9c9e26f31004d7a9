"""One way to write a number for people (issue 15, typography): "2个", not "2.00个"."""

from decimal import Decimal


def plain_number(value: Decimal | int | float | None, empty: str = "") -> str:
    """``value`` without needless decimals and without an exponent: ``Decimal("2.00")`` → ``"2"``,
    ``Decimal("2.50")`` → ``"2.5"``, ``Decimal("1E+2")`` → ``"100"``; ``empty`` for ``None``."""
    if value is None:
        return empty
    text = f"{Decimal(str(value)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text
