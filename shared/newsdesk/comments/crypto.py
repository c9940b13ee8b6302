"""Commenters' email and IP addresses, encrypted with a KMS key and bound to their comment.

The encryption context names the comment, so a ciphertext copied onto another comment does not decrypt.
Only the worker may encrypt (kms:Encrypt) and only the editor API, for moderators, may decrypt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


class Cipher(Protocol):
    def encrypt(self, plaintext: str, comment_id: str) -> bytes: ...
    def decrypt(self, ciphertext: bytes, comment_id: str) -> str: ...


class KmsCipher:
    def __init__(self, key_id: str, client: KMSClient | None = None) -> None:
        self.key_id = key_id
        self._client = client

    @property
    def client(self) -> KMSClient:
        if self._client is None:
            import boto3

            self._client = boto3.client("kms")
        return self._client

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
