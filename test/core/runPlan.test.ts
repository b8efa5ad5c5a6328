import { describe, expect, it } from 'vitest';
import { StdoutCapture } from '../../core/runs/capture';
import { parseOverrides } from '../../core/runs/params';
import { commandArgv } from '../../core/runs/plan';

describe('experiment commands', () => {
  it.each([
    ['python train.py --lr 0.1', ['python', 'train.py', '--lr', '0.1']],
    [`python -c "print('a b')"`, ['python', '-c', "print('a b')"]],
    ['python prep.py && python train.py', ['/bin/sh', '-c', 'python prep.py && python train.py']],
    ['python train.py > log.txt', ['/bin/sh', '-c', 'python train.py > log.txt']],
    ['python train.py --out $HOME/x', ['/bin/sh', '-c', 'python train.py --out $HOME/x']],
  ])('%s', (command, argv) => {
    expect(commandArgv(command)).toEqual(argv);
  });
  it('keeps a list as is', () => expect(commandArgv(['a b', 'c'])).toEqual(['a b', 'c']));
});

describe('--set overrides', () => {
  it('reads values as YAML scalars and names a malformed item', () => {
    expect(
      parseOverrides(['lr=1e-3', 'n=10', 'on=true', 'name=resnet', "v='2.0'", 'empty=', 'a.b=null']),
    ).toEqual({
      lr: 0.001,
      n: 10,
      on: true,
      name: 'resnet',
      v: '2.0',
      empty: '',
      'a.b': null,
    });
    expect(() => parseOverrides(['lr'])).toThrow(/--set lr: expected key=value/);
    expect(() => parseOverrides(['=1'])).toThrow(/expected key=value/);
  });
});

describe('stdout capture', () => {
  const rule = { metrics: ['loss', 'acc', 'val_*'], step: 'epoch' };
  it('finds name=value and name: value pairs, only wanted names, with the step', () => {
    const capture = new StdoutCapture(rule, () => undefined);
    expect(capture.parse('epoch 3: epoch=3 loss=0.25, acc: 91.5 lr=0.1 val_acc=0.9')).toEqual({
      step: 3,
      loss: 0.25,
      acc: 91.5,
      val_acc: 0.9,
    });
    expect(capture.parse('Epoch 1/10 - loss: 1.2e-3 - acc: .5')).toEqual({ loss: 0.0012, acc: 0.5 });
    expect(capture.parse('version=1.2.3 loss=nan loss_total=3 myloss=2')).toBeNull();
    expect(capture.parse('no metrics here: none')).toBeNull();
  });
  it('emits one stream line per printed line, across chunk boundaries and carriage returns', () => {
    const lines: string[] = [];
    const capture = new StdoutCapture(rule, (l) => lines.push(l));
    capture.feed('loss=1\nlo');
    capture.feed('ss=0.5\r\nprogress 10%\racc=0.7');
    expect(lines.map((l) => JSON.parse(l).loss ?? JSON.parse(l).acc)).toEqual([1, 0.5]);
    capture.end();
    expect(JSON.parse(lines[2] as string)).toMatchObject({ acc: 0.7 });
  });
});
