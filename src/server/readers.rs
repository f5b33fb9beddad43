//! Read connections: each read takes one from a pool of at most
//! [`CONNECTIONS`] (opening one when none is idle) on a blocking thread,
//! so reads never wait for the writer (WAL) nor block the async workers.

use super::error::ApiError;
use crate::store::{Store, StoreError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Reads at once, and so read connections open at most: each holds its
/// own page cache, so their number is bounded rather than their use.
const CONNECTIONS: usize = 16;

/// The pool of read connections to one store file.
#[derive(Clone)]
pub struct Readers {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Store>>>,
    permits: Arc<tokio::sync::Semaphore>,
}

impl Readers {
    pub fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Arc::default(),
            permits: Arc::new(tokio::sync::Semaphore::new(CONNECTIONS)),
        }
    }

    /// Runs `read` on a read connection, off the async workers.
    pub async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal(format!("a read failed: {e}")))?;
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = pool.take()?;
            let result = read(&store);
            pool.give_back(store);
            drop(permit);
            result
        })
        .await
        .map_err(|e| ApiError::internal(format!("a read failed: {e}")))?
    }

    fn take(&self) -> Result<Store, StoreError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(store) => Ok(store),
            None => Store::open_existing(&self.path),
        }
    }

    fn give_back(&self, store: Store) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(store);
        }
    }
}
