import { main } from './main';

main(process.argv.slice(2), { cwd: process.cwd(), out: process.stdout, err: process.stderr }).then(
  (status) => {
    process.exitCode = status;
  },
  (err: unknown) => {
    process.stderr.write(`lineage: ${String(err)}\n`);
    process.exitCode = 2;
  },
);
