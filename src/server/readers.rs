//! Read connections: each request that only reads takes one from a small
//! pool (opening one when the pool is empty) on a blocking thread, so
//! reads never wait for the writer (WAL) nor block the async workers.

use super::error::ApiError;
use crate::store::{Store, StoreError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Connections kept for reuse; more may be open at a busy moment.
const KEEP: usize = 8;

/// The pool of read connections to one store file.
#[derive(Clone)]
pub struct Readers {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Store>>>,
}

impl Readers {
    pub fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Arc::default(),
        }
    }

    /// Runs `read` on a read connection, off the async workers.
    pub async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = pool.take()?;
            let result = read(&store);
            pool.give_back(store);
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
            if idle.len() < KEEP {
                idle.push(store);
            }
        }
    }
}
