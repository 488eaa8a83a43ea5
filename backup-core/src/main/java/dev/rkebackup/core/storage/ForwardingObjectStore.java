package dev.rkebackup.core.storage;

import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ObjectStore} that hands every call to another one. Retry, logging, metrics, encryption and locking are
 * written once as a subclass that overrides the calls it cares about, and then wrap any store:
 *
 * <pre>{@code
 * final class CountingOpens extends ForwardingObjectStore {
 *     final AtomicInteger opens = new AtomicInteger();
 *     CountingOpens(ObjectStore store) { super(store); }
 *     public InputStream open(String key) { opens.incrementAndGet(); return super.open(key); }
 * }
 * }</pre>
 *
 * <p>Every method of {@link ObjectStore}, default methods included, is forwarded here (a test checks that). Closing
 * a forwarding store closes the store it wraps. Thread-safe when the wrapped store and the subclass are.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
    private final ObjectStore delegate;

    /**
     * Wraps a store.
     *
     * @param delegate the store every call goes to
     */
    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The wrapped store.
     *
     * @return the store every call goes to
     */
    protected final ObjectStore delegate() {
        return delegate;
    }

    @Override
    public void put(String key, InputStream content, long length) {
        delegate.put(key, content, length);
    }

    @Override
    public void put(String key, ReopenableContent content, long length) {
        delegate.put(key, content, length);
    }

    @Override
    public Optional<StoreConfirmation> confirm(String key, long length) {
        return delegate.confirm(key, length);
    }

    @Override
    public InputStream openRange(String key, long offset, long length) {
        return delegate.openRange(key, offset, length);
    }

    @Override
    public boolean prefersParallelRangedReads() {
        return delegate.prefersParallelRangedReads();
    }

    @Override
    public InputStream open(String key) {
        return delegate.open(key);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return delegate.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(Collection<String> keys) {
        delegate.delete(keys);
    }

    /** Describes the wrapped store; a wrapper that changes behaviour a user should know of may add to it. */
    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
