//! Which actions start a task, by one rule the generator (the `StartsTask` impls) and
//! `tcredis --wait` share: a scalar `TaskId` output, integer or float (the spec types one as
//! `Float`). 32 actions of the Redis API follow it.

use crate::model::{Action, BaseType, Member};

/// The output member naming the task `action` starts, or `None` when it starts none.
pub fn task_id(action: &Action) -> Option<&Member> {
    action.output.iter().find(|m| {
        m.name == "TaskId"
            && !m.ty.array
            && matches!(m.ty.base, BaseType::Integer(_) | BaseType::Float)
    })
}
