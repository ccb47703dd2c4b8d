from email import message_from_bytes

from django.core.mail import EmailMessage

from portal.mail import EmlFileBackend


def test_each_message_is_written_as_its_own_eml_file(tmp_path) -> None:
    backend = EmlFileBackend(file_path=str(tmp_path))
    sent = backend.send_messages(
        [
            EmailMessage("First", "Hello", "a@example.com", ["b@example.com"]),
            EmailMessage("Second", "Again", "a@example.com", ["b@example.com"]),
        ]
    )
    files = sorted(tmp_path.glob("*.eml"))
    assert sent == 2
    assert len(files) == 2
    subjects = {message_from_bytes(f.read_bytes())["Subject"] for f in files}
    assert subjects == {"First", "Second"}
