package dev.rkebackup.s3.internal;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 whose {@code PAYLOAD_SIGNING_ENABLED=false} also holds over plain http. The SDK's signer signs every http
 * body whatever that property says (a SHA-256 pass over each part, on both sides), because without TLS the body
 * signature is the only protection against tampering on the way. A store that chose unsigned payloads sends a
 * CRC32C of every buffered body instead, which catches damage but not a deliberate change; the backup repository's
 * SHA-256 in the manifest stays the source of truth. The canonical request of SigV4 does not contain the scheme, so
 * the request is shown to the SDK's signer as https and sent as http. Ports 80 and 443 are signed as the SDK does,
 * because the signed Host header of a default port differs between the two schemes. Thread-safe, stateless.
 */
final class UnsignedPayloadAuthScheme implements AwsV4AuthScheme {
    private final AwsV4HttpSigner signer = new Signer(AwsV4HttpSigner.create());

    @Override
    public String schemeId() {
        return SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return providers.identityProvider(AwsCredentialsIdentity.class);
    }

    @Override
    public AwsV4HttpSigner signer() {
        return signer;
    }

    private record Signer(AwsV4HttpSigner delegate) implements AwsV4HttpSigner {
        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest http = request.request();
            if (!"http".equals(http.protocol()) || http.port() == 80 || http.port() == 443) {
                return delegate.sign(request);
            }
            SignedRequest signed = delegate.sign(request.copy(b -> b.request(http.toBuilder().protocol("https")
                    .build())));
            return signed.copy(b -> b.request(signed.request().toBuilder().protocol("http").build()));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(
                AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            return delegate.signAsync(request); // the store's clients are synchronous
        }
    }
}
