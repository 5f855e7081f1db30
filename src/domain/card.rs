//! Saved cards. The server only ever holds a masked number: the first six and last four
//! digits, the rest hidden by `X` or `*`. No full number or CVV reaches it.

/// A card number with its middle digits hidden, such as `545195XXXXXX5480`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedCardNumber(String);

impl MaskedCardNumber {
    /// Accepts 13 to 19 characters: six digits, a run of `X` or `*`, four digits.
    pub fn parse(raw: &str) -> Option<Self> {
        let chars: Vec<char> = raw.trim().chars().collect();
        if !(13..=19).contains(&chars.len()) {
            return None;
        }
        let (head, rest) = chars.split_at(6);
        let (middle, tail) = rest.split_at(rest.len() - 4);
        let digits = |part: &[char]| part.iter().all(char::is_ascii_digit);
        let hidden = middle.iter().all(|c| *c == 'X' || *c == '*');
        (digits(head) && digits(tail) && hidden).then(|| Self(chars.into_iter().collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_two_masks_the_apps_know() {
        assert!(MaskedCardNumber::parse("545195XXXXXX5480").is_some());
        assert!(MaskedCardNumber::parse("454775******6006").is_some());
    }

    #[test]
    fn refuses_anything_that_shows_more() {
        assert!(MaskedCardNumber::parse("4547751234566006").is_none());
        assert!(MaskedCardNumber::parse("454775XX1XXX6006").is_none());
        assert!(MaskedCardNumber::parse("4547XXXX6006").is_none());
        assert!(MaskedCardNumber::parse("").is_none());
    }
}
