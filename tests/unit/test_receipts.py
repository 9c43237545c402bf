def test_a_receipt_for_an_idempotency_key_is_fixed_by_the_key_and_the_server_key():
    from incidents.intake.receipts import normalise, receipt_for_key

    first = receipt_for_key(b"server key one", "client-key-" + "a" * 32)
    assert first == receipt_for_key(b"server key one", "client-key-" + "a" * 32)
    assert normalise(first) is not None and len(first) == 19
    assert first != receipt_for_key(b"server key one", "client-key-" + "b" * 32)
    assert first != receipt_for_key(b"server key two", "client-key-" + "a" * 32)
