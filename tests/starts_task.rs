//! `StartsTask`: the task ID a task-starting action's response names, whatever type the schema
//! gives its `TaskId` (signed Integer, unsigned Integer, Float), and none for a value no task
//! has.

use serde_json::json;
use tencentcloud_redis::{
    ClearInstanceResponse, DeleteReplicationInstanceResponse, ManualBackupInstanceResponse,
    StartsTask,
};

fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("decodes")
}

#[test]
fn integer_task_ids() {
    let r: ManualBackupInstanceResponse = decode(json!({"TaskId": 100001, "RequestId": "r"}));
    assert_eq!(r.started_task(), Some(100_001));
    let r: ClearInstanceResponse = decode(json!({"TaskId": -1, "RequestId": "r"}));
    assert_eq!(r.started_task(), None, "a negative id names no task");
    let r: ClearInstanceResponse = decode(json!({"RequestId": "r"}));
    assert_eq!(r.started_task(), None);
}

#[test]
fn float_task_ids() {
    let r: DeleteReplicationInstanceResponse = decode(json!({"TaskId": 4242.0, "RequestId": "r"}));
    assert_eq!(r.started_task(), Some(4242));
    for bad in [json!(1.5), json!(-3.0), json!(1e30)] {
        let r: DeleteReplicationInstanceResponse = decode(json!({"TaskId": bad, "RequestId": "r"}));
        assert_eq!(r.started_task(), None, "{bad}");
    }
}
