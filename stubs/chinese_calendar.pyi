# The part of chinesecalendar that tongbao uses (it ships no types); see stubs/README.md.
import datetime

def is_workday(date: datetime.date) -> bool: ...
