// Loaded by vitest before every test file: quiet logs unless a developer asks for them.
process.env.LOG_LEVEL ??= 'silent';
