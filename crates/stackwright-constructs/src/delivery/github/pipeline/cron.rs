//! The cron expressions GitHub's `schedule` trigger takes (POSIX cron, five fields, UTC),
//! checked offline so that a typo is a synth error at the construct's path, not a workflow
//! GitHub silently never runs.

/// The fields of an expression: name, smallest and largest value, and the names that may
/// stand for values (`JAN` = 1, `SUN` = 0).
const FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    ("month", 1, 12, &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
    ("day of week", 0, 6, &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
];

/// What is wrong with `expression`, or `None` when GitHub accepts it.
pub(super) fn cron_problem(expression: &str) -> Option<String> {
    let fields: Vec<&str> = expression.split_ascii_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "'{expression}' has {} field(s); a cron expression has five (minute hour day-of-month month day-of-week)",
            fields.len()
        ));
    }
    fields
        .iter()
        .zip(FIELDS)
        .find_map(|(field, spec)| field_problem(field, spec))
        .map(|p| format!("'{expression}': {p}"))
}

fn field_problem(field: &str, (name, min, max, names): (&str, u32, u32, &[&str])) -> Option<String> {
    let value = |text: &str| -> Result<u32, String> {
        let n = match text.parse::<u32>() {
            Ok(n) => n,
            Err(_) => match names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
                Some(i) => u32::try_from(i).unwrap_or(u32::MAX) + min,
                None => return Err(format!("'{text}' is not a {name}")),
            },
        };
        if n < min || n > max {
            return Err(format!("the {name} {n} is outside {min}-{max}"));
        }
        Ok(n)
    };
    for item in field.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => (base, Some(step)),
            None => (item, None),
        };
        if let Some(step) = step
            && !step.parse::<u32>().is_ok_and(|s| s >= 1 && s <= max)
        {
            return Some(format!("the step '{step}' of the {name} field is not a number from 1 to {max}"));
        }
        let checked = match base.split_once('-') {
            _ if base == "*" => Ok(()),
            Some((from, to)) => match (value(from), value(to)) {
                (Ok(a), Ok(b)) if a > b => Err(format!("the {name} range {base} goes backwards")),
                (Ok(_), Ok(_)) => Ok(()),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
            None => value(base).map(|_| ()),
        };
        if let Err(e) = checked {
            return Some(e);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::cron_problem;

    #[test]
    fn github_expressions_pass() {
        for ok in ["0 6 * * 1", "*/15 * * * *", "30 5,17 * * MON-FRI", "0 0 1 jan,jul *", "5-55/10 0-23/2 1-31 * 0-6"] {
            assert_eq!(cron_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn mistakes_say_which_field_and_why() {
        for (bad, says) in [
            ("0 6 * *", "has 4 field(s)"),
            ("60 6 * * 1", "the minute 60 is outside 0-59"),
            ("0 24 * * 1", "the hour 24 is outside 0-23"),
            ("0 6 0 * 1", "the day of month 0 is outside 1-31"),
            ("0 6 * 13 1", "the month 13 is outside 1-12"),
            ("0 6 * * 7", "the day of week 7 is outside 0-6"),
            ("0 6 * * MOM", "'MOM' is not a day of week"),
            ("0 6 * * 5-1", "range 5-1 goes backwards"),
            ("*/0 * * * *", "step '0' of the minute field"),
            ("@daily", "has 1 field(s)"),
        ] {
            let problem = cron_problem(bad).unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(problem.contains(says), "{bad}: {problem}");
        }
    }
}
