import { ConfigError } from '../../src/core/errors.ts';

/**
 * A deployment directory that cannot be used: every problem found, each as
 * "file:line: key.path: what is expected". It stops start-up (a ConfigError: the CLI prints it
 * and exits with 2).
 */
export class DeploymentError extends ConfigError {
  constructor(readonly problems: string[], dir?: string) {
    super(`Invalid deployment${dir ? ` ${dir}` : ''}:\n  ${problems.join('\n  ')}`);
  }
}
