//! Walking every page of a listing: any request that pages by item offset
//! ([`Paginated`]: `DescribeInstances`, `DescribeInstanceBackups` and the
//! other listings with `Offset`, `Limit` and `TotalCount`).
//!
//! ```no_run
//! # async fn example(client: tencentcloud_redis::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use tencentcloud_redis::paginate::Pages;
//! use tencentcloud_redis::DescribeInstancesRequest;
//!
//! let mut pages = Pages::new(&client, DescribeInstancesRequest::new().limit(100));
//! while let Some(page) = pages.next_page().await {
//!     for instance in page? {
//!         println!("{:?}", instance.instance_id);
//!     }
//! }
//! # Ok(())
//! # }
//! ```

use tencentcloud_transport::{CallOptions, Client, Error};

use crate::Paginated;

/// The pages of a listing, fetched one call at a time from the request's own offset. It
/// stops after the page that reaches `TotalCount`, or at an empty page (the service counted
/// more than it lists, or the listing shrank), so it always ends.
pub struct Pages<'a, A: Paginated> {
    client: &'a Client,
    request: A,
    options: CallOptions,
    /// The items seen so far, from the first offset.
    seen: u64,
    done: bool,
}

impl<'a, A: Paginated> Pages<'a, A> {
    /// Pages of `request`, from its offset, each of its `Limit` (the service's default when
    /// unset).
    pub fn new(client: &'a Client, request: A) -> Self {
        Self::with_options(client, request, CallOptions::new())
    }

    /// [`Pages::new`] with per-call options for every page.
    pub fn with_options(client: &'a Client, request: A, options: CallOptions) -> Self {
        Self {
            client,
            request,
            options,
            seen: 0,
            done: false,
        }
    }

    /// The next page's items; `None` after the last one. After an error the walk ends; the
    /// error says which call failed, and a new `Pages` from the failed offset resumes it.
    pub async fn next_page(&mut self) -> Option<Result<Vec<A::Item>, Error<A::Error>>> {
        if self.done {
            return None;
        }
        let start = self.request.page_offset();
        let response = match self
            .client
            .send_with(self.request.clone(), self.options.clone())
            .await
        {
            Ok(response) => response,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let total = A::total_count(&response);
        let items = A::into_items(response);
        let count = items.len() as u64;
        self.seen += count;
        let next = start.saturating_add(count);
        self.done = count == 0 || total.is_none_or(|total| next >= total);
        self.request.set_page_offset(next);
        Some(Ok(items))
    }

    /// Every remaining item, in order.
    pub async fn all_items(mut self) -> Result<Vec<A::Item>, Error<A::Error>> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await {
            all.extend(page?);
        }
        Ok(all)
    }

    /// How many items the walk has returned so far.
    pub fn items_seen(&self) -> u64 {
        self.seen
    }
}
