// A named import: the bundle then inlines the version alone, not the whole manifest.
import { version } from '../package.json';

/** The CLI's version, its package's (`ordo --version`). */
export const CLI_VERSION: string = version;
