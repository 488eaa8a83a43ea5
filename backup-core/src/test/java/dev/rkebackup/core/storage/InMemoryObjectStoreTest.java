package dev.rkebackup.core.storage;

/** The in-memory store keeps the whole contract. */
class InMemoryObjectStoreTest extends ObjectStoreContractTest {
    @Override
    protected ObjectStore createStore() {
        return InMemoryObjectStore.create();
    }

    /** The heap holds every byte of this store: 32 MiB still crosses every buffer boundary of the copy loop. */
    @Override
    protected long largeObjectSize() {
        return 32L << 20;
    }
}
