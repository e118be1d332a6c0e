// Shared setup for component tests.
