"""Finding the signing key of a person or an organisation and turning it into something pyHanko can sign with."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.documents.models import KeyStorage, SigningKey


def active_key(*, person=None, organisation=None) -> SigningKey:
    """The holder's newest usable key, or a clear error naming what is missing."""
    qs = SigningKey.objects.filter(active=True, not_after__gt=timezone.now())
    if person is not None:
        qs = qs.filter(person=person)
        missing = _("%(name)s chưa có chứng thư số còn hiệu lực để ký.") % {"name": person.full_name}
        field = "signer"
    else:
        qs = qs.filter(organisation=organisation)
        missing = _("%(name)s chưa có chứng thư số của cơ quan còn hiệu lực.") % {"name": organisation.name}
        field = "seal"
    key = qs.order_by("-not_after", "-pk").first()
    if key is None:
        raise ValidationFailed({field: [missing]})
    return key


def signer_spec(key: SigningKey, pin: str):
    """A pyHanko-ready description of where the key is; the PIN unlocks a key file or a token."""
    from egov.documents.signing.sign import Pkcs12Key, TokenKey

    if not pin:
        raise ValidationFailed({"pin": [_("Nhập mã PIN (mật khẩu) của khóa ký.")]})
    if key.storage == KeyStorage.PKCS12:
        return Pkcs12Key(path=settings.EGOV_PKI_DIR / key.path, passphrase=pin)
    if not settings.EGOV_PKCS11_MODULE:
        raise ValidationFailed({"pin": [_("Máy chủ chưa cấu hình thư viện PKCS#11 (EGOV_PKCS11_MODULE).")]})
    return TokenKey(
        module_path=settings.EGOV_PKCS11_MODULE,
        token_label=key.token_label,
        pin=pin,
        key_label=key.key_label,
        cert_label=key.key_label,
    )


def key_image(key: SigningKey, *, person=None, organisation=None) -> bytes:
    """The uploaded signature or seal image, else one drawn from the holder's name."""
    from egov.documents.signing.images import seal_image, signature_image

    if key.image:
        with key.image.open("rb") as handle:
            return handle.read()
    if person is not None:
        return signature_image(person.full_name)
    return seal_image(organisation.name)


def _certificate_facts(certificate_pem: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError:
        raise ValidationFailed({"certificate": [_("Chứng thư số không đúng định dạng PEM.")]}) from None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    subject = str(names[0].value) if names else cert.subject.rfc4514_string()
    return subject[:300], cert.not_valid_after_utc


@transaction.atomic
def signing_key_add(
    *,
    actor: Actor,
    certificate_pem: str,
    person=None,
    organisation=None,
    path: str = "",
    token_label: str = "",
    key_label: str = "",
    image: bytes | None = None,
) -> SigningKey:
    """Register a person's or an organisation's key: a PKCS#12 file under EGOV_PKI_DIR or a key on a token."""
    if (person is None) == (organisation is None):
        raise ValidationFailed({"holder": [_("Khóa ký thuộc về đúng một người hoặc một cơ quan.")]})
    scope = organisation or (person.memberships.first().organisation if person.memberships.exists() else None)
    if not actor.is_system and not can(actor, Perm.PEOPLE_MANAGE, scope):
        raise PermissionDenied(_("Bạn không có quyền quản lý khóa ký số của %(org)s.") % {"org": scope})
    if not path and not (token_label and key_label):
        raise ValidationFailed({"path": [_("Cho biết tệp khóa (PKCS#12) hoặc nhãn thiết bị và nhãn khóa.")]})
    subject, not_after = _certificate_facts(certificate_pem)
    key = SigningKey(
        person=person,
        organisation=organisation,
        storage=KeyStorage.PKCS12 if path else KeyStorage.TOKEN,
        path=path,
        token_label=token_label,
        key_label=key_label,
        certificate_pem=certificate_pem,
        subject_name=subject,
        not_after=not_after,
    )
    if image:
        key.image.save(
            f"{'org' if organisation else 'person'}-{(organisation or person).pk}.png", ContentFile(image), save=False
        )
    key.save()
    audit_record(
        actor=actor,
        action="documents.signing_key.add",
        obj=key,
        scope_org=scope,
        after={"subject": subject, "storage": key.storage, "not_after": not_after.isoformat()},
    )
    return key
