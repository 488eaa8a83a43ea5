package dev.rkebackup.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A forwarding store that overrides nothing keeps the contract, and it forwards every method of the SPI. */
class ForwardingObjectStoreTest extends ObjectStoreContractTest {
    /** Counts opens and otherwise forwards: the smallest useful decorator. */
    private static final class CountingOpens extends ForwardingObjectStore {
        private final AtomicInteger opens = new AtomicInteger();

        CountingOpens(ObjectStore store) {
            super(store);
        }

        @Override
        public InputStream open(String key) {
            opens.incrementAndGet();
            return super.open(key);
        }
    }

    @Override
    protected ObjectStore createStore() {
        return new CountingOpens(InMemoryObjectStore.create());
    }

    @Override
    protected long largeObjectSize() {
        return 32L << 20; // in memory underneath, see InMemoryObjectStoreTest
    }

    @Test
    void everyMethodOfTheSpiIsForwardedIncludingDefaultOnes() {
        // a method added to ObjectStore (say a capability with a default) must be forwarded too, or a wrapped
        // store would silently lose it
        for (Method m : ObjectStore.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            assertThat(Arrays.stream(ForwardingObjectStore.class.getDeclaredMethods())
                    .anyMatch(d -> d.getName().equals(m.getName())
                            && Arrays.equals(d.getParameterTypes(), m.getParameterTypes())))
                    .as("ForwardingObjectStore forwards " + m).isTrue();
        }
    }

    @Test
    void aSubclassSeesTheCallsItOverridesAndDescribesTheWrappedStore() throws Exception {
        InMemoryObjectStore inner = InMemoryObjectStore.create();
        CountingOpens wrapper = new CountingOpens(inner);
        wrapper.put("k", new java.io.ByteArrayInputStream(new byte[] {1, 2}), 2);
        try (InputStream in = wrapper.open("k")) {
            assertThat(in.readAllBytes()).containsExactly(1, 2);
        }
        assertThat(wrapper.opens.get()).isEqualTo(1);
        assertThat(inner.stat("k")).isPresent();
        assertThat(wrapper.describe()).isEqualTo(inner.describe());
    }
}
