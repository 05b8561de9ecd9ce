/**
 * The deployment directory: everything that is the company's own, loaded and checked once at
 * start-up. Every part of Frontdesk that needs the company (the composition root, the CLI, the
 * tests) gets it from here, never from a fixed path.
 *
 *   deployment.yaml   brand, languages, hours, threshold, channels, training weights, order mapping
 *   agents.yaml       the agent graph (agents/graph.ts)
 *   kb/               Markdown articles (front matter: title, tags)
 *   training/         labelled examples, JSONL or CSV
 *
 * A problem anywhere stops start-up with a DeploymentError listing every problem as
 * "file:line: key.path: what is expected".
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { envReferencesOf } from '../../agents/actions.ts';
import { AgentGraph } from '../../agents/graph.ts';
import { parseArticleFile, type ArticleInput } from '../../src/core/knowledge.ts';
import { packagePath } from '../package-root.ts';
import { DeploymentError } from './errors.ts';
import { DeploymentSettings } from './schema.ts';
import { readTrainingFile, type LabelledExample, type NumberedExample } from './training.ts';
import { parseYamlFile, validateYaml, type YamlFile } from './yaml-file.ts';

export { DeploymentError } from './errors.ts';
export { DeploymentSettings, CHANNELS } from './schema.ts';
export type { LabelledExample } from './training.ts';

/** The bundled demo store (Northwind Outfitters): the deployment used when none is set. */
export const DEMO_DEPLOYMENT_DIR = packagePath('config', 'demo');

/** A loaded, validated deployment. */
export interface Deployment {
  /** Absolute path of the directory. */
  dir: string;
  /** The directory's name: labels logs and the trained model's cache file. */
  name: string;
  /** The bundled demo. Only it gets the demo orders seeded into its database. */
  isDemo: boolean;
  settings: DeploymentSettings;
  /** agents.yaml, with deployment.yaml's languages and threshold and training/'s own examples filled in. */
  graph: AgentGraph;
  /** The articles of kb/, in file-name order. */
  articles: ArticleInput[];
  training: {
    /** General phrasing (training.base), weight 1. */
    base: LabelledExample[];
    /** The company's own examples, each counting as `weight` base rows. */
    examples: LabelledExample[];
    weight: number;
    /** Whether triage also learns from priors (training.priors). */
    priors: boolean;
    /**
     * General customer-service rows to borrow from for routes that share their meaning: the
     * bundled demo's training rows, labelled with its intents. Empty for the demo itself and
     * when priors are off.
     */
    general: LabelledExample[];
  };
}

/** Keys of agents.yaml that belong to deployment.yaml or training/, so that each setting has one home. */
const MOVED_KEYS: [string, string][] = [
  ['languages', 'set languages in deployment.yaml'],
  ['confidenceThreshold', 'set confidenceThreshold in deployment.yaml'],
  ['examples', 'put labelled examples in training/ (JSONL or CSV)'],
];

/** The deployment FRONTDESK_DEPLOYMENT names (relative to the working directory), or the demo. */
export function resolveDeploymentDir(setting: string | null | undefined): string {
  return setting ? resolve(setting) : DEMO_DEPLOYMENT_DIR;
}

export interface LoadOptions {
  /**
   * Reads environment variables (`config.secret`): with it, every `${NAME}` a custom action's auth
   * names must be set. Commands that never call actions (train, eval) leave it out.
   */
  secret?: (name: string) => string | undefined;
}

/** Reads and checks the deployment in `dir` (default: the demo); throws DeploymentError listing every problem. */
export function loadDeployment(dir: string = DEMO_DEPLOYMENT_DIR, options: LoadOptions = {}): Deployment {
  const root = resolve(dir);
  if (existsSync(root) && !statSync(root).isDirectory()) {
    // Most often deployment.yaml itself: then the directory holding it is what is meant.
    const meant = /^(deployment|agents)\.ya?ml$/i.test(basename(root)) ? `: set it to ${dirname(root)}` : '';
    throw new DeploymentError([`${root}: a file, not a directory (FRONTDESK_DEPLOYMENT names the directory that holds deployment.yaml${meant})`]);
  }
  if (!existsSync(root)) {
    throw new DeploymentError([`${root}: no such directory (FRONTDESK_DEPLOYMENT must name a deployment directory; \`frontdesk init DIR\` creates one)`]);
  }
  const problems: string[] = [];
  const attempt = <T>(work: () => T): T | null => {
    try {
      return work();
    } catch (error) {
      if (error instanceof DeploymentError) problems.push(...error.problems);
      else problems.push((error as Error).message);
      return null;
    }
  };

  const settingsFile = attempt(() => readYaml(root, 'deployment.yaml'));
  const settings = settingsFile && attempt(() => validateYaml(settingsFile, DeploymentSettings));
  const agentsFile = attempt(() => readYaml(root, 'agents.yaml'));
  const training = settings ? readTraining(root, settings, problems) : null;

  let graph: AgentGraph | null = null;
  if (agentsFile && settings && training) {
    const data = (agentsFile.data ?? {}) as Record<string, unknown>;
    const triage = (typeof data.triage === 'object' && data.triage !== null ? data.triage : {}) as Record<string, unknown>;
    for (const [key, hint] of MOVED_KEYS) {
      if (key in triage) problems.push(`agents.yaml:${agentsFile.lineOf(['triage', key])}: triage.${key}: not allowed here (${hint})`);
    }
    const examples: Record<string, string[]> = {};
    for (const e of training.examples) (examples[e.label] ??= []).push(e.text);
    const merged = { ...data, triage: { ...triage, languages: settings.languages, confidenceThreshold: settings.confidenceThreshold, examples } };
    graph = attempt(() => validateYaml({ ...agentsFile, data: merged }, AgentGraph));
    if (graph) checkLabels(graph, training.examples, problems);
    if (graph && options.secret) checkSecrets(graph, agentsFile, options.secret, problems);
  }
  const articles = readArticles(root, problems);

  if (problems.length > 0 || !settings || !graph || !training) throw new DeploymentError(problems, root);
  return {
    dir: root,
    name: basename(root),
    isDemo: sameDirectory(root, DEMO_DEPLOYMENT_DIR),
    settings,
    graph,
    articles,
    training: {
      base: training.base.map(({ text, label }) => ({ text, label })),
      examples: training.examples.map(({ text, label }) => ({ text, label })),
      weight: settings.training.weight,
      priors: settings.training.priors,
      general: settings.training.priors && !sameDirectory(root, DEMO_DEPLOYMENT_DIR) ? demoTrainingRows() : [],
    },
  };
}

let demoRows: LabelledExample[] | null = null;

/** The bundled demo's training rows (read once): the general data other deployments borrow from. */
function demoTrainingRows(): LabelledExample[] {
  if (!demoRows) {
    const { base, examples } = loadDeployment(DEMO_DEPLOYMENT_DIR).training;
    demoRows = [...base, ...examples];
  }
  return demoRows;
}

function readYaml(root: string, name: string): YamlFile {
  const path = join(root, name);
  if (!existsSync(path)) throw new DeploymentError([`${name}: missing (every deployment has one; \`frontdesk init DIR\` writes a commented example)`]);
  return parseYamlFile(name, readFileSync(path, 'utf8'));
}

type Located = NumberedExample & { file: string };

function readTraining(root: string, settings: DeploymentSettings, problems: string[]): { base: Located[]; examples: Located[] } {
  const dir = join(root, 'training');
  const listed = [...settings.training.base, ...(settings.training.examples ?? [])];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (listed.length > 0) problems.push(`training/: missing directory (deployment.yaml lists ${listed.join(', ')})`);
    return { base: [], examples: [] };
  }
  const own = settings.training.examples ?? readdirSync(dir).filter((f) => /\.(jsonl|csv)$/i.test(f) && !settings.training.base.includes(f)).sort();
  const read = (name: string): Located[] => readTrainingFile(dir, name, problems).map((row) => ({ ...row, file: `training/${name}` }));
  return { base: settings.training.base.flatMap(read), examples: own.flatMap(read) };
}

/** The company's own examples must name an intent of agents.yaml (or a route): a typo would train a label nothing routes. */
function checkLabels(graph: AgentGraph, examples: Located[], problems: string[]) {
  const routes = new Set(graph.agents.map((a) => a.route));
  const unknown = examples.filter((e) => graph.triage.intents[e.label] === undefined && !routes.has(e.label));
  for (const e of unknown.slice(0, 10)) {
    problems.push(`${e.file}:${e.line}: label ${e.label} is neither an intent of agents.yaml (triage.intents) nor a route`);
  }
  if (unknown.length > 10) problems.push(`… and ${unknown.length - 10} more examples with unknown labels`);
}

/** A custom action's credentials come from the environment; an unset variable would fail every call. */
function checkSecrets(graph: AgentGraph, file: YamlFile, secret: (name: string) => string | undefined, problems: string[]) {
  graph.actions.forEach((action, i) => {
    for (const name of envReferencesOf(action.auth?.value ?? '')) {
      if (secret(name) === undefined) {
        problems.push(`${file.file}:${file.lineOf(['actions', i, 'auth', 'value'])}: actions[${i}].auth.value: environment variable ${name} is not set (the credentials of action ${action.name})`);
      }
    }
  });
}

/** kb/'s README (any extension) is for the people editing the articles: neither an article nor a stray file. */
const isReadme = (file: string) => /^readme\./i.test(file);
/** An article of kb/: a Markdown file other than the README. */
const isArticleFile = (file: string) => /\.(md|markdown)$/i.test(file) && !isReadme(file);

/** The deployment's kb/ directory, or null when there is none. */
function knowledgeDir(root: string): string | null {
  const dir = join(root, 'kb');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : null;
}

/**
 * Files in kb/ that are no article and are not read: a JSON or text file put there by someone who
 * expects it imported (`frontdesk kb import` takes JSON; the deployment's kb/ only Markdown).
 */
export function unreadKnowledgeFiles(root: string): string[] {
  const dir = knowledgeDir(root);
  if (!dir) return [];
  return readdirSync(dir)
    .filter((file) => !isArticleFile(file) && !isReadme(file) && !file.startsWith('.'))
    .sort();
}

function readArticles(root: string, problems: string[]): ArticleInput[] {
  const dir = knowledgeDir(root);
  if (!dir) {
    problems.push('kb/: missing directory (expected the knowledge base: one Markdown article per file, with title and tags in front matter)');
    return [];
  }
  return readdirSync(dir)
    .filter(isArticleFile)
    .sort()
    .flatMap((file) => {
      try {
        return parseArticleFile(file, readFileSync(join(dir, file), 'utf8'));
      } catch (error) {
        problems.push(`kb/${(error as Error).message}`);
        return [];
      }
    });
}

function sameDirectory(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
