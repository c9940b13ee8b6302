"""KMS: commenters' emails and IPs encrypted with a data key, and the HMAC key of keyed hashes and form
tokens.

The encryption context names the comment, so a ciphertext copied onto another comment does not decrypt.
Only the worker may encrypt (kms:Encrypt) and only the editor API, for moderators, may decrypt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from newsdesk.adapters.aws import AwsAdapter

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


class KmsCipher(AwsAdapter["KMSClient"]):
    """newsdesk.comments.ports.Cipher with a symmetric KMS key."""

    service = "kms"

    def __init__(self, key_id: str, client: KMSClient | None = None) -> None:
        super().__init__(client)
        self.key_id = key_id

    def encrypt(self, plaintext: str, comment_id: str) -> bytes:
        response = self.client.encrypt(
            KeyId=self.key_id,
            Plaintext=plaintext.encode("utf-8"),
            EncryptionContext={"comment_id": comment_id},
        )
        return bytes(response["CiphertextBlob"])

    def decrypt(self, ciphertext: bytes, comment_id: str) -> str:
        response = self.client.decrypt(
            KeyId=self.key_id, CiphertextBlob=ciphertext, EncryptionContext={"comment_id": comment_id}
        )
        return bytes(response["Plaintext"]).decode("utf-8")


class KmsMac(AwsAdapter["KMSClient"]):
    """newsdesk.comments.tokens.Mac: HMAC-SHA-256 with a KMS key (KeySpec HMAC_256, GENERATE_VERIFY_MAC)."""

    service = "kms"
    ALGORITHM: Final = "HMAC_SHA_256"

    def __init__(self, key_id: str, client: KMSClient | None = None) -> None:
        super().__init__(client)
        self.key_id = key_id

    def generate(self, message: bytes) -> bytes:
        response = self.client.generate_mac(KeyId=self.key_id, Message=message, MacAlgorithm=self.ALGORITHM)
        return bytes(response["Mac"])

    def verify(self, message: bytes, mac: bytes) -> bool:
        try:
            response = self.client.verify_mac(
                KeyId=self.key_id, Message=message, MacAlgorithm=self.ALGORITHM, Mac=mac
            )
        except self.client.exceptions.KMSInvalidMacException:
            return False
        return bool(response.get("MacValid"))
