import type { Command } from 'commander';
import { Option } from 'commander';
import { loadKnowledge } from '../../api/knowledge/files';
import { migrateToLatest } from '../../migrations';
import { createDb } from '../../store/database';

/**
 * `npm run ops -- knowledge load [--force]`: loads the articles under knowledge/ into the database
 * (docs/knowledge.md), as the API does at start. Talks to PostgreSQL directly (DATABASE_URL).
 */
export function addKnowledgeCommands(program: Command, print: (text: string) => void): void {
  const knowledge = program.command('knowledge').description('the knowledge base: load knowledge/ into the database (talks to PostgreSQL directly)');
  knowledge
    .command('load')
    .description('load changed articles as new versions; an article an expert edited since is kept and listed as a conflict')
    .addOption(new Option('--database-url <url>', 'the product database').env('DATABASE_URL').makeOptionMandatory())
    .option('--force', 'load changed files over experts’ edits too (their versions stay in the history)')
    .action(async (options: { databaseUrl: string; force?: boolean }) => {
      const db = createDb(options.databaseUrl, { max: 2 });
      try {
        await migrateToLatest(db);
        const result = await loadKnowledge(db, options.force ? { force: true } : {});
        if (program.opts<{ json?: boolean }>().json) return print(JSON.stringify(result, null, 2));
        print(`created ${result.created.length}, updated ${result.updated.length}, unchanged ${result.unchanged.length}`);
        if (result.updated.length > 0) print(`updated: ${result.updated.join(', ')}`);
        if (result.conflicts.length > 0) {
          print(`not loaded (an expert edited them since; --force to load over the edit): ${result.conflicts.join(', ')}`);
          process.exitCode = 2;
        }
      } finally {
        await db.destroy();
      }
    });
}
