//! The generated run-time registry reaches every action's request type by its wire name.

use tencentcloud_redis::{visit_action, Action, ActionVisitor, ACTION_NAMES};

/// Reports the wire name and the JSON the type produces from an empty-ish body.
struct NameOf;

impl ActionVisitor for NameOf {
    type Output = &'static str;
    fn visit<A>(self) -> &'static str
    where
        A: Action + serde::de::DeserializeOwned + 'static,
        A::Response: serde::Serialize,
    {
        A::NAME
    }
}

#[test]
fn every_listed_action_is_reachable_by_name() {
    assert!(ACTION_NAMES.contains(&"DescribeBackupUrl"));
    assert!(
        ACTION_NAMES.windows(2).all(|w| w[0] < w[1]),
        "sorted and unique"
    );
    for name in ACTION_NAMES {
        assert_eq!(visit_action(name, NameOf), Some(*name));
    }
}

#[test]
fn unknown_names_are_none() {
    assert_eq!(visit_action("DescribeBackupURL", NameOf), None);
    assert_eq!(visit_action("", NameOf), None);
}
