package dev.rkebackup.rke.backup;

import dev.rkebackup.rke.node.NodeAccess;
import dev.rkebackup.rke.node.RemoteFile;
import dev.rkebackup.rke.node.WriteResult;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Test helper: a {@link NodeAccess} that forwards every call to a real one; subclasses hook single calls. */
class ForwardingNodeAccess implements NodeAccess {
    private final NodeAccess delegate;

    ForwardingNodeAccess(NodeAccess delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<RemoteFile> stat(String path) {
        return delegate.stat(path);
    }

    @Override
    public List<RemoteFile> list(String directory) {
        return delegate.list(directory);
    }

    @Override
    public InputStream openRead(String path) {
        return delegate.openRead(path);
    }

    @Override
    public WriteResult writeAtomically(String path, InputStream content, long length, boolean replaceDifferent) {
        return delegate.writeAtomically(path, content, length, replaceDifferent);
    }

    @Override
    public String sha256(String path) {
        return delegate.sha256(path);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
