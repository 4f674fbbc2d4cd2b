//! Small facts about JSON values that messages need.

use serde_json::Value;

/// The kind of a JSON value with its article, for messages: `a string`, `an array`, `null`.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_as_words() {
        assert_eq!(kind(&Value::Null), "null");
        assert_eq!(kind(&serde_json::json!(true)), "a boolean");
        assert_eq!(kind(&serde_json::json!(1.5)), "a number");
        assert_eq!(kind(&serde_json::json!("x")), "a string");
        assert_eq!(kind(&serde_json::json!([])), "an array");
        assert_eq!(kind(&serde_json::json!({})), "an object");
    }
}
