import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The language OCR reads, from its npm package `@tesseract.js-data/<code>` (installed with the
 * project, so nothing is downloaded at run time). tesseract.js reads every language from one
 * `langPath`, and each package has its own directory: more languages need one directory of
 * their files (not done: the corpus's scan is English).
 */
export const OCR_LANGUAGE = 'eng';

/** One Tesseract engine (tesseract.js: a WebAssembly build in a worker thread of its own), reading one image at a time. */
export interface TesseractReader {
  /** The text Tesseract reads in a PNG image rendered at `dpi`: lines, blocks separated by a blank line. */
  read(png: Uint8Array, dpi: number): Promise<string>;
  /** Ends Tesseract's thread. */
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * Starts Tesseract with every path local: the worker script and the WebAssembly core from
 * their npm packages, the language data read from its package's directory, no cache written
 * (tesseract.js would write `eng.traineddata` into the working directory). tesseract.js falls
 * back to a CDN only for what is not given, so this never touches the network.
 */
export async function openTesseract(): Promise<TesseractReader> {
  const { createWorker, OEM, PSM } = await import('tesseract.js');
  const tesseractDir = dirname(require.resolve('tesseract.js/package.json'));
  const worker = await createWorker(OCR_LANGUAGE, OEM.LSTM_ONLY, {
    workerPath: join(tesseractDir, 'src', 'worker-script', 'node', 'index.js'),
    // Read only in a browser (Node requires tesseract.js-core): set anyway, never a CDN.
    corePath: dirname(createRequire(join(tesseractDir, 'package.json')).resolve('tesseract.js-core/package.json')),
    langPath: languageDir(OCR_LANGUAGE),
    cacheMethod: 'none',
    gzip: true,
    workerBlobURL: false,
  });
  // tesseract.js's default is one uniform block of text, which drops a page's large headings and
  // runs columns into each other; full automatic page segmentation finds both (the corpus scan:
  // 7 of 8 phrases with the default, 8 of 8 with this).
  await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO });
  return {
    async read(png, dpi) {
      // A PNG from the canvas says nothing of its resolution; Tesseract sizes its text models by it.
      await worker.setParameters({ user_defined_dpi: String(Math.round(dpi)) });
      const { data } = await worker.recognize(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
      return data.text;
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** The LSTM ("best, integer") model, the one tesseract.js itself picks for the LSTM engine. */
function languageDir(code: string): string {
  return join(dirname(require.resolve(`@tesseract.js-data/${code}/package.json`)), '4.0.0_best_int');
}
