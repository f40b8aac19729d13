"""Serializers for the media types CALKit's services read that schemathesis does not know:
text bodies (PEM) go as text, binary bodies (DER) as bytes."""
import schemathesis

schemathesis.serializer.alias(["application/pkcs10", "application/x-pem-file"], "text/plain")
schemathesis.serializer.alias(["application/ocsp-request"], "application/octet-stream")
