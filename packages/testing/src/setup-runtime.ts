import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log at WARN in tests: their INFO lines (state changes, expected failures)
// drown the report. The Runtime is per process, so this runs once per test file's fork.
Runtime.install({ logger: new DefaultLogger('WARN') });
