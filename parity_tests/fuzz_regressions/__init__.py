"""The program fuzzer's findings by area, each a dict of small programs (name -> statements) that
``parity_tests/test_fuzz_regressions.py`` runs in both engines."""
