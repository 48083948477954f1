import { describe, expect, it } from 'vitest';
import { trainedRowsText } from '../../src/ui/components/train/training-text';

const training = { rowsRead: 9000, benignRows: 4000, trainRows: 7000, holdoutRows: 2500, cutRows: 0, fitMs: 1, skipped: 0 };

describe("the Train view's line on the rows a model learnt", () => {
  it('says a classifier learnt labelled rows and its threshold came from some of the benign ones, not "all of them"', () => {
    expect(trainedRowsText({ ...training, calibration: 'out-of-bag' }, true)).toBe(
      'labelled rows (threshold from out-of-bag scores of 2,500 of the 4,000 benign rows)',
    );
  });

  it('says an unsupervised detector learnt benign rows, held back or all scored out of fold', () => {
    expect(trainedRowsText({ ...training, trainRows: 3200, holdoutRows: 800, calibration: null }, false)).toBe('benign rows (800 held back for the threshold)');
    expect(trainedRowsText({ ...training, trainRows: 350, holdoutRows: 350, calibration: 'out-of-fold', cutRows: 3 }, false)).toBe(
      'benign rows (threshold from out-of-fold scores of all of them; 3 windows cut short by the end of a capture left out)',
    );
  });
});
