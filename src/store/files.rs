//! Uploaded files, kept under the files folder (served at `/static/files/`) in one folder
//! per use. A file is written under a temporary name and renamed once complete, so a
//! half-written file is never served; its final name is a random UUID, so no one can
//! guess it. The database keeps the path relative to the files folder.

use std::{
    io,
    path::{Path, PathBuf},
};

use tokio::{fs, io::AsyncWriteExt};
use uuid::Uuid;

/// A file being received. Dropped before [`Incoming::finish`], it is removed.
pub struct Incoming {
    file: fs::File,
    temporary: PathBuf,
    renamed: bool,
    folder: PathBuf,
    relative_folder: String,
    size: u64,
}

impl Incoming {
    /// Starts a file in `files_dir/folder`, creating the folder if needed.
    pub async fn create(files_dir: &Path, folder: &str) -> io::Result<Self> {
        let directory = files_dir.join(folder);
        fs::create_dir_all(&directory).await?;
        let temporary = directory.join(format!(".{}.part", Uuid::new_v4().simple()));
        let file = fs::File::create(&temporary).await?;
        Ok(Self {
            file,
            temporary,
            renamed: false,
            folder: directory,
            relative_folder: folder.to_owned(),
            size: 0,
        })
    }

    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes).await?;
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Flushes the file to disk and gives it its final name, `<uuid>.<extension>`.
    pub async fn finish(mut self, extension: &str) -> io::Result<StoredFile> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        let name = format!("{}.{extension}", Uuid::new_v4());
        let target = self.folder.join(&name);
        fs::rename(&self.temporary, &target).await?;
        self.renamed = true;
        Ok(StoredFile {
            absolute: target,
            relative: format!("{}/{name}", self.relative_folder),
            kept: false,
        })
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// A complete file under its final name. Removed when dropped unless [`StoredFile::keep`]
/// was called, so a change whose transaction fails leaves no file behind.
pub struct StoredFile {
    absolute: PathBuf,
    relative: String,
    kept: bool,
}

impl StoredFile {
    /// The path relative to the files folder, as the database keeps it (`soat/<uuid>.pdf`).
    pub fn relative_path(&self) -> &str {
        &self.relative
    }

    /// Call once the row that refers to the file is committed.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for StoredFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.absolute);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_finished_file_is_renamed_and_kept_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut incoming = Incoming::create(dir.path(), "soat").await.unwrap();
        incoming.write(b"%PDF-1.4 ").await.unwrap();
        incoming.write(b"rest").await.unwrap();
        assert_eq!(incoming.size(), 13);

        let stored = incoming.finish("pdf").await.unwrap();
        let relative = stored.relative_path().to_owned();
        assert!(relative.starts_with("soat/") && relative.ends_with(".pdf"));
        let path = dir.path().join(&relative);
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4 rest");
        stored.keep();
        assert!(path.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path().join("soat"))
            .unwrap()
            .collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }

    #[tokio::test]
    async fn dropped_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut incoming = Incoming::create(dir.path(), "photos").await.unwrap();
        incoming.write(b"half").await.unwrap();
        drop(incoming);
        let incoming = Incoming::create(dir.path(), "photos").await.unwrap();
        let stored = incoming.finish("png").await.unwrap();
        let path = dir.path().join(stored.relative_path());
        assert!(path.exists());
        drop(stored);
        assert!(!path.exists());
        assert_eq!(
            std::fs::read_dir(dir.path().join("photos"))
                .unwrap()
                .count(),
            0
        );
    }
}
