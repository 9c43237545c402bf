def test_a_receipt_for_an_idempotency_key_is_fixed_by_the_key_the_report_and_the_server_key():
    from incidents.intake.receipts import normalise, receipt_for_key

    key = "client-key-" + "a" * 32
    first = receipt_for_key(b"server key one", key, "digest-of-report-1")
    assert first == receipt_for_key(b"server key one", key, "digest-of-report-1")
    assert normalise(first) is not None and len(first) == 19
    assert first != receipt_for_key(b"server key one", "client-key-" + "b" * 32, "digest-of-report-1")
    assert first != receipt_for_key(b"server key one", key, "digest-of-report-2")  # the key alone is not enough
    assert first != receipt_for_key(b"server key two", key, "digest-of-report-1")
