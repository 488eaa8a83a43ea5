package dev.rkebackup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {
    record Holder(String user, Secret password) {
    }

    @Test
    void neverShowsItsValueButRevealsOnRequest() {
        Secret s = Secret.of("hunter2-very-secret");
        assertThat(s.toString()).isEqualTo(Secret.REDACTED).doesNotContain("hunter2");
        assertThat(new Holder("admin", s).toString()).contains("admin").doesNotContain("hunter2");
        assertThat(String.valueOf(s)).doesNotContain("hunter2");
        assertThat(s.reveal()).isEqualTo("hunter2-very-secret");
        assertThat(s).isEqualTo(Secret.of("hunter2-very-secret")).isNotEqualTo(Secret.of("other"));
        assertThat(Secret.of("").isEmpty()).isTrue();
        assertThatThrownBy(() -> Secret.of(null)).isInstanceOf(NullPointerException.class);
    }
}
