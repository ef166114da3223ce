# Support-group schedules: how a schedule reads on pages, and what its form checks.
#
# Weekdays arrive as codes (MO to SU). A weekly schedule passes its days in order as day1 to day7,
# with "none" for the unused places, so each place is translated on its own.

## How a schedule reads

schedule-describe-once = Once, on { $date } at { $time }
schedule-describe-daily = { $interval ->
        [1] Every day
       *[other] Every { $interval } days
    } at { $time }
schedule-describe-weekly = { $interval ->
        [1] Every week
       *[other] Every { $interval } weeks
    } on { $day1 ->
        [MO] Monday
        [TU] Tuesday
        [WE] Wednesday
        [TH] Thursday
        [FR] Friday
        [SA] Saturday
        [SU] Sunday
       *[other] { $day1 }
    }{ $day2 ->
        [MO] {", "}Monday
        [TU] {", "}Tuesday
        [WE] {", "}Wednesday
        [TH] {", "}Thursday
        [FR] {", "}Friday
        [SA] {", "}Saturday
        [SU] {", "}Sunday
       *[none] {""}
    }{ $day3 ->
        [MO] {", "}Monday
        [TU] {", "}Tuesday
        [WE] {", "}Wednesday
        [TH] {", "}Thursday
        [FR] {", "}Friday
        [SA] {", "}Saturday
        [SU] {", "}Sunday
       *[none] {""}
    }{ $day4 ->
        [MO] {", "}Monday
        [TU] {", "}Tuesday
        [WE] {", "}Wednesday
        [TH] {", "}Thursday
        [FR] {", "}Friday
        [SA] {", "}Saturday
        [SU] {", "}Sunday
       *[none] {""}
    }{ $day5 ->
        [MO] {", "}Monday
        [TU] {", "}Tuesday
        [WE] {", "}Wednesday
        [TH] {", "}Thursday
        [FR] {", "}Friday
        [SA] {", "}Saturday
        [SU] {", "}Sunday
       *[none] {""}
    }{ $day6 ->
        [MO] {", "}Monday
        [TU] {", "}Tuesday
        [WE] {", "}Wednesday
        [TH] {", "}Thursday
        [FR] {", "}Friday
        [SA] {", "}Saturday
        [SU] {", "}Sunday
       *[none] {""}
    }{ $day7 ->
        [MO] {", "}Monday
        [TU] {", "}Tuesday
        [WE] {", "}Wednesday
        [TH] {", "}Thursday
        [FR] {", "}Friday
        [SA] {", "}Saturday
        [SU] {", "}Sunday
       *[none] {""}
    } at { $time }
schedule-describe-monthly-weekday = The { $week ->
        [1] first
        [2] second
        [3] third
        [4] fourth
       *[last] last
    } { $weekday ->
        [MO] Monday
        [TU] Tuesday
        [WE] Wednesday
        [TH] Thursday
        [FR] Friday
        [SA] Saturday
       *[SU] Sunday
    } of { $interval ->
        [1] every month
       *[other] every { $interval } months
    } at { $time }
schedule-describe-monthly-date = { $day ->
        [last] The last day
       *[other] Day { $day }
    } of { $interval ->
        [1] every month
       *[other] every { $interval } months
    } at { $time }{ $skips ->
        [yes] {" "}(months without that day are skipped)
       *[no] {""}
    }
schedule-describe-custom = Repeats by the rule { $rule }, first at { $time }
schedule-describe-until = until { $date }
schedule-describe-count = { $count ->
        [one] for 1 session
       *[other] for { $count } sessions
    }

## Schedule form errors

error-schedule-year = Enter a year from { $min } to { $max }
error-schedule-minutes = Enter a length from { $min } to { $max } minutes
error-schedule-interval = Enter a number from { $min } to { $max }
error-schedule-weekdays = Choose at least one day of the week
error-schedule-week-of-month = Choose which week of the month: first, second, third, fourth or last
error-schedule-month-day = Choose a day of the month from 1 to 31, or the last day. Months without that day are skipped
error-schedule-until-before-start = The end date must be on or after the start date
error-schedule-until-and-count = Give an end date or a number of sessions, not both
error-schedule-end-twice = The rule already says when it ends; leave this blank or remove UNTIL or COUNT from the rule
error-schedule-count = Enter a number of sessions from { $min } to { $max }
error-recurrence-invalid = This repeat rule cannot be read: { $reason }
error-recurrence-one-rule = Enter one RRULE only. The start date and time come from the form, and single sessions are cancelled or moved on the schedule itself
error-recurrence-until = Write UNTIL as a date like 20251231, or a date and time like 20251231T180000 (local) or 20251231T230000Z (UTC)
error-recurrence-too-frequent = Groups can meet at most daily; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY
error-recurrence-empty = With these settings there would be no sessions at all. Check the days, the start date and the end
