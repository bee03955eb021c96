//! A read timeout as a formula of the detector's settings, in ms: what a rule's `last_heard`
//! says when the timeout is not one fixed duration but follows from how the system was set up
//! (`sync_limit*tick_ms` for ZooKeeper, `3*advert_ms + (256-priority)/256` adverts for VRRP).
//!
//! A formula is a sum of terms, each a product of numbers and settings, divided by numbers:
//! `+`, `-`, `*` and `/`, no parentheses. Settings are names in lower case (`tick_ms`), looked up
//! when a line is read: what the node's own log stated earlier, else what its configuration
//! file set. A setting that is known nowhere leaves the formula without a value, and the line
//! is read without a timeout.
//!
//! ```text
//! sync_limit*tick_ms
//! 4*advert_ms - priority*advert_ms/256
//! ```

/// One term: a signed coefficient times the product of settings.
#[derive(Clone, Debug, PartialEq)]
struct Term {
    coef: f64,
    settings: Vec<String>,
}

/// A formula of settings (see the module's documentation).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Formula {
    terms: Vec<Term>,
}

impl Formula {
    /// Parses `text`; `Ok(None)` when it names no setting (a plain duration such as `5s`, read
    /// elsewhere), `Err` with what is wrong when it is a formula that does not parse.
    pub(crate) fn parse(text: &str) -> Result<Option<Formula>, String> {
        let named = text
            .split(|c: char| "+-*/".contains(c))
            .any(|f| setting_name(f.trim()));
        if !named {
            return Ok(None);
        }
        let mut terms = Vec::new();
        let mut sign = 1.0;
        let mut rest = text.trim();
        if let Some(r) = rest.strip_prefix('-') {
            sign = -1.0;
            rest = r;
        }
        loop {
            let end = rest.find(['+', '-']).unwrap_or(rest.len());
            terms.push(term(&rest[..end], sign)?);
            let Some(op) = rest[end..].chars().next() else {
                break;
            };
            sign = if op == '+' { 1.0 } else { -1.0 };
            rest = &rest[end + 1..];
        }
        Ok(Some(Formula { terms }))
    }

    /// The settings the formula names, each once, in order.
    #[cfg(test)]
    pub(crate) fn settings(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self.terms.iter().flat_map(|t| &t.settings) {
            if !out.contains(&s.as_str()) {
                out.push(s);
            }
        }
        out
    }

    /// Its value with the settings `value` gives, when it gives every one of them.
    pub(crate) fn eval(&self, value: impl Fn(&str) -> Option<f64>) -> Option<f64> {
        let mut sum = 0.0;
        for t in &self.terms {
            let mut x = t.coef;
            for s in &t.settings {
                x *= value(s)?;
            }
            sum += x;
        }
        sum.is_finite().then_some(sum)
    }
}

/// A length of time a rule states: a duration (`5s`, `250ms`), or a formula of settings in ms.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Length {
    Fixed(i64),
    Of(Formula),
}

impl Length {
    /// Parses `text`: a formula when it names a setting, else a duration with its unit.
    pub(crate) fn parse(text: &str) -> Result<Length, String> {
        match Formula::parse(text)? {
            Some(f) => Ok(Length::Of(f)),
            None => crate::time::parse_duration(text)
                .map(Length::Fixed)
                .map_err(|e| e.to_string()),
        }
    }

    /// In ns, with the settings `value` gives; `None` when a setting is known nowhere.
    pub(crate) fn ns(&self, value: impl Fn(&str) -> Option<f64>) -> Option<i64> {
        match self {
            Length::Fixed(ns) => Some(*ns),
            Length::Of(f) => {
                let ns = (f.eval(value)? * 1e6).round();
                (ns.abs() < i64::MAX as f64).then_some(ns as i64)
            }
        }
    }

    /// The settings it names, each once, in order.
    #[cfg(test)]
    pub(crate) fn settings(&self) -> Vec<&str> {
        match self {
            Length::Fixed(_) => Vec::new(),
            Length::Of(f) => f.settings(),
        }
    }
}

/// A setting's name: lower-case letters and `_`, starting with a letter.
fn setting_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// One term (`4*advert_ms`, `priority*advert_ms/256`) with its sign.
fn term(text: &str, sign: f64) -> Result<Term, String> {
    let mut coef = sign;
    let mut settings = Vec::new();
    let mut divide = false;
    let mut factor = String::new();
    let mut take = |factor: &str, divide: bool| -> Result<(), String> {
        let f = factor.trim();
        if setting_name(f) {
            if divide {
                return Err(format!("'{f}': a setting can only multiply, not divide"));
            }
            settings.push(f.to_owned());
        } else {
            let n: f64 = f
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| {
                    format!("'{f}' is neither a number nor a setting's name (lower case and _)")
                })?;
            if divide {
                if n == 0.0 {
                    return Err("division by zero".to_owned());
                }
                coef /= n;
            } else {
                coef *= n;
            }
        }
        Ok(())
    };
    for c in text.chars() {
        if c == '*' || c == '/' {
            take(&factor, divide)?;
            factor.clear();
            divide = c == '/';
        } else {
            factor.push(c);
        }
    }
    take(&factor, divide)?;
    Ok(Term { coef, settings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str) -> Option<f64> {
        match name {
            "tick_ms" => Some(2000.0),
            "sync_limit" => Some(5.0),
            "advert_ms" => Some(1000.0),
            "priority" => Some(100.0),
            _ => None,
        }
    }

    #[test]
    fn a_product_of_settings() {
        let f = Formula::parse("sync_limit*tick_ms").unwrap().unwrap();
        assert_eq!(f.settings(), ["sync_limit", "tick_ms"]);
        assert_eq!(f.eval(value), Some(10_000.0));
    }

    #[test]
    fn the_vrrp_master_down_interval() {
        // Three adverts and the skew of a backup of priority 100: (256 - 100) / 256 adverts.
        let f = Formula::parse("4*advert_ms - priority*advert_ms/256")
            .unwrap()
            .unwrap();
        assert_eq!(f.settings(), ["advert_ms", "priority"]);
        let got = f.eval(value).unwrap();
        assert!((got - 3609.375).abs() < 1e-9, "{got}");
    }

    #[test]
    fn a_setting_known_nowhere_gives_no_value() {
        let f = Formula::parse("3*down_after_ms").unwrap().unwrap();
        assert_eq!(f.eval(value), None);
    }

    #[test]
    fn a_duration_is_not_a_formula() {
        assert_eq!(Formula::parse("5s"), Ok(None));
        assert_eq!(Formula::parse("1500ms"), Ok(None));
    }

    #[test]
    fn a_length_is_a_duration_or_a_formula_in_ms() {
        assert_eq!(Length::parse("3s").unwrap().ns(value), Some(3_000_000_000));
        let l = Length::parse("tick_ms/2 + 100").unwrap();
        assert_eq!(l.settings(), ["tick_ms"]);
        assert_eq!(l.ns(value), Some(1_100_000_000));
        assert_eq!(Length::parse("tock_ms").unwrap().ns(value), None);
        assert!(Length::parse("2 fortnights").is_err());
    }

    #[test]
    fn bad_formulas_say_what_is_wrong() {
        let e = Formula::parse("advert_ms/priority").unwrap_err();
        assert!(e.contains("only multiply"), "{e}");
        let e = Formula::parse("3x*advert_ms").unwrap_err();
        assert!(e.contains("'3x'"), "{e}");
        let e = Formula::parse("advert_ms/0").unwrap_err();
        assert!(e.contains("zero"), "{e}");
    }
}
