"""Spanish as written in Peru: day/month/year, 24-hour clock."""

DATE_FORMAT = r"j \d\e F \d\e Y"  # 1 de diciembre de 2026
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"  # 1 de diciembre de 2026, 09:14
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 01/12/2026 09:14
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
