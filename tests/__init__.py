"""Tests of Khedmatyar: unit tests and end-to-end conversations through the simulator."""
