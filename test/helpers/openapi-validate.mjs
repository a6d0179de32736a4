// Validates the OpenAPI document on stdin with @seriousme/openapi-schema-validator (ESM only, so
// jest's CommonJS runtime runs it in a child process) and prints {valid, version, errors}.
// The validator's module path comes as the first argument (the test resolves the package).
import { pathToFileURL } from 'node:url';

const { Validator } = await import(pathToFileURL(process.argv[2]).href);

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const validator = new Validator();
const result = await validator.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }));
