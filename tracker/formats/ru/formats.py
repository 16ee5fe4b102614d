# Russian formats that differ from Django's own (django/conf/locale/ru/formats.py supplies the
# rest): a month is "март 2025", as the register of political prisoners writes it.
YEAR_MONTH_FORMAT = "F Y"
