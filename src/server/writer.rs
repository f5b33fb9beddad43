//! The one writer: a thread that owns the store's write connection and
//! runs the closures requests hand it. Closures that arrive while it is
//! busy go into the next transaction together, each in a savepoint of its
//! own; each is answered only after that transaction commits, so what a
//! client was told is on disk (WAL), and SIGKILL loses nothing it was told.
//!
//! A closure that returns `Err` rolls back to its savepoint and the rest
//! of the batch still commits; one that panics is rolled back the same
//! way and its caller hears [`WriteError::Lost`].

use crate::store::{Store, StoreError};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// The most closures one transaction takes: enough to share a commit's
/// fsync widely, few enough that no answer waits long for its batch.
pub const MAX_BATCH: usize = 256;

/// What tells a closure's caller how its transaction ended.
type Finish = Box<dyn FnOnce(Result<(), Arc<StoreError>>) + Send>;
/// A closure as the writer thread runs it.
type Work = Box<dyn FnOnce(&mut Store) -> Finish + Send>;

/// What the writer thread is asked to do.
enum Job {
    /// Joins the next batch, in a savepoint.
    Batched(Work),
    /// Runs alone, between batches, with no transaction open: for work
    /// that begins and commits its own (an automation run).
    Alone(Work),
}

/// Why a closure's result is not to be trusted.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// The batch's transaction could not begin or commit: nothing of it
    /// was written.
    #[error(transparent)]
    Store(Arc<StoreError>),
    /// The writer has stopped, or the closure panicked.
    #[error("the store's writer is not running")]
    Lost,
}

/// A handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread on `store`; `batch` hears the size of each
    /// batch committed (for metrics). The thread ends once every handle is
    /// dropped and the last batch is committed; join it to wait for that.
    pub fn start(
        store: Store,
        batch: impl Fn(usize) + Send + Sync + 'static,
    ) -> std::io::Result<(Writer, JoinHandle<()>)> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || write_loop(store, &queue, &batch))?;
        Ok((Writer { jobs }, thread))
    }

    /// Runs `work` on the store inside the writer's transaction, in a
    /// savepoint of its own: rolled back when it returns `Err`, and
    /// answered once the transaction has committed.
    pub async fn run<T, E>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    ) -> Result<Result<T, E>, WriteError>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        self.send(|tell| {
            Job::Batched(Box::new(move |store: &mut Store| {
                let result = in_savepoint(store, work);
                finish(tell, result)
            }))
        })
        .await
    }

    /// Runs `work` alone, between batches, outside any transaction: it
    /// begins and commits its own.
    pub async fn alone<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<T, WriteError> {
        self.send(|tell| {
            Job::Alone(Box::new(move |store: &mut Store| {
                let result = catch_unwind(AssertUnwindSafe(|| work(&mut *store)));
                finish(tell, result.map_err(|_| WriteError::Lost))
            }))
        })
        .await
    }

    async fn send<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, WriteError>>) -> Job,
    ) -> Result<T, WriteError> {
        let (tell, answer) = oneshot::channel();
        self.jobs.send(job(tell)).map_err(|_| WriteError::Lost)?;
        answer.await.map_err(|_| WriteError::Lost)?
    }
}

/// What tells the caller, once the transaction has ended, what became of
/// its closure.
fn finish<T: Send + 'static>(
    tell: oneshot::Sender<Result<T, WriteError>>,
    result: Result<T, WriteError>,
) -> Finish {
    Box::new(move |committed: Result<(), Arc<StoreError>>| {
        let outcome = match (committed, result) {
            (Ok(()), result) => result,
            (Err(e), _) => Err(WriteError::Store(e)),
        };
        // The caller may have gone (a client that hung up).
        let _ = tell.send(outcome);
    })
}

/// Runs `work` in a savepoint: kept when it returns `Ok`, undone when it
/// returns `Err` or panics.
fn in_savepoint<T, E>(
    store: &mut Store,
    work: impl FnOnce(&mut Store) -> Result<T, E>,
) -> Result<Result<T, E>, WriteError> {
    store
        .savepoint()
        .map_err(|e| WriteError::Store(Arc::new(e)))?;
    let result = catch_unwind(AssertUnwindSafe(|| work(&mut *store)));
    let kept = matches!(result, Ok(Ok(_)));
    let ended = if kept {
        store.release()
    } else {
        store.rollback_to()
    };
    ended.map_err(|e| WriteError::Store(Arc::new(e)))?;
    result.map_err(|_| WriteError::Lost)
}

/// Takes what is waiting, up to [`MAX_BATCH`], runs it in one transaction
/// and tells each caller how the commit went; until every sender is gone.
fn write_loop(mut store: Store, queue: &mpsc::Receiver<Job>, batch: &impl Fn(usize)) {
    let mut next = queue.recv().ok();
    while let Some(first) = next.take() {
        let mut jobs = match first {
            Job::Alone(work) => {
                work(&mut store)(Ok(()));
                next = queue.recv().ok();
                continue;
            }
            Job::Batched(work) => vec![work],
        };
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(Job::Batched(work)) => jobs.push(work),
                Ok(alone) => {
                    next = Some(alone);
                    break;
                }
                Err(_) => break,
            }
        }
        run_batch(&mut store, jobs, batch);
        if next.is_none() {
            next = queue.recv().ok();
        }
    }
}

/// One transaction: every closure in its savepoint, one commit, then the
/// answers.
fn run_batch(store: &mut Store, jobs: Vec<Work>, batch: &impl Fn(usize)) {
    if let Err(e) = store.begin() {
        let e = Arc::new(e);
        // Each job still runs (its savepoint fails at once), so that its
        // caller hears why.
        for job in jobs {
            job(store)(Err(Arc::clone(&e)));
        }
        return;
    }
    let n = jobs.len();
    let finishes: Vec<Finish> = jobs.into_iter().map(|job| job(store)).collect();
    let committed = store.commit().map_err(Arc::new);
    if committed.is_err() {
        let _ = store.rollback();
    } else {
        batch(n);
    }
    for finish in finishes {
        finish(committed.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn scratch(name: &str) -> Store {
        let dir =
            std::env::temp_dir().join(format!("ticket-rules-writer-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Store::open(&dir.join("w.db")).unwrap()
    }

    fn started(name: &str) -> (Writer, JoinHandle<()>, Arc<Mutex<Vec<usize>>>) {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&sizes);
        let (writer, thread) =
            Writer::start(scratch(name), move |n| seen.lock().unwrap().push(n)).unwrap();
        (writer, thread, sizes)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn what_arrives_while_the_writer_is_busy_commits_together() {
        let (writer, thread, sizes) = started("batch");
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let busy = writer.clone();
        let first = tokio::spawn(async move {
            busy.run(move |store| {
                let _ = wait.recv();
                store.add_account("first").map(|_| ())
            })
            .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let mut rest = Vec::new();
        for n in 0..10 {
            let w = writer.clone();
            rest.push(tokio::spawn(async move {
                w.run(move |store| store.add_account(&format!("a{n}")))
                    .await
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        release.send(()).unwrap();
        first.await.unwrap().unwrap().unwrap();
        for r in rest {
            assert!(r.await.unwrap().unwrap().unwrap());
        }
        drop(writer);
        thread.join().unwrap();
        assert_eq!(*sizes.lock().unwrap(), vec![1, 10]);
    }

    #[tokio::test]
    async fn a_failing_or_panicking_closure_undoes_only_its_own_writes() {
        let (writer, thread, _) = started("savepoints");
        let kept = writer.run(|store| store.add_account("kept")).await;
        assert!(kept.unwrap().unwrap());
        let undone = writer
            .run(|store| {
                store.add_account("undone")?;
                Err::<(), StoreError>(StoreError::Missing { path: "x".into() })
            })
            .await;
        assert!(matches!(undone, Ok(Err(StoreError::Missing { .. }))));
        let panicked = writer
            .run(|store| -> Result<(), StoreError> {
                store.add_account("panicked")?;
                panic!("a bug in a handler")
            })
            .await;
        assert!(matches!(panicked, Err(WriteError::Lost)));
        let accounts = writer.run(|store| store.accounts()).await.unwrap().unwrap();
        assert_eq!(accounts, vec!["kept".to_string()]);
        let alone = writer
            .alone(|store| {
                store.begin()?;
                store.add_account("alone")?;
                store.commit()
            })
            .await;
        assert!(alone.unwrap().is_ok());
        drop(writer);
        thread.join().unwrap();
    }
}
