//! Which actions list items a page at a time, by one rule the generator (the `Paginated`
//! impls) and `tcredis --all` share: integer `Offset` and `Limit` inputs, an integer
//! `TotalCount` or `Total` output, and exactly one list among the outputs that are not
//! deprecated (the items). 15 actions of the Redis API follow it.

use crate::model::{Action, BaseType, Member};

/// The members an action pages with.
#[derive(Debug, Clone, Copy)]
pub struct Pagination<'a> {
    /// The input member of the first item's offset (`Offset`).
    pub offset: &'a Member,
    /// The input member of the page size (`Limit`).
    pub limit: &'a Member,
    /// The output member counting every match (`TotalCount` or `Total`).
    pub total: &'a Member,
    /// The output list of the page's items.
    pub items: &'a Member,
}

/// How `action` pages, or `None` when it does not follow the rule.
pub fn pagination(action: &Action) -> Option<Pagination<'_>> {
    let integer = |m: &&Member| !m.ty.array && matches!(m.ty.base, BaseType::Integer(_));
    let input = |name: &str| action.input.iter().filter(integer).find(|m| m.name == name);
    let total = action
        .output
        .iter()
        .filter(integer)
        .find(|m| m.name == "TotalCount" || m.name == "Total")?;
    let mut lists = action.output.iter().filter(|m| m.ty.array && !m.deprecated);
    let items = lists.next()?;
    if lists.next().is_some() {
        return None;
    }
    Some(Pagination {
        offset: input("Offset")?,
        limit: input("Limit")?,
        total,
        items,
    })
}
