package dev.rkebackup.etcd;

import dev.rkebackup.core.BackupException;

/** The etcd members do not agree (foreign member, differing hashes, no quorum); no snapshot was taken. */
public final class MembersDisagreeException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final transient MemberAgreement agreement;

    MembersDisagreeException(MemberAgreement agreement) {
        super("the etcd members do not agree, so no snapshot was taken:\n" + agreement.describe().stripTrailing());
        this.agreement = agreement;
    }

    /**
     * The full report.
     *
     * @return the agreement with each member's status
     */
    public MemberAgreement agreement() {
        return agreement;
    }
}
