const { spawn } = require('child_process');
const { once } = require('events');

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} exited with ${code}: ${stderr}`));
    });
  });
}

exports.handler = async (event) => {
  const version = await run('/opt/bin/ffprobe', ['-version']);
  const probe = spawn('/opt/bin/ffprobe', ['-v', 'quiet', '-print_format', 'json', event.url]);
  const [code] = await once(probe, 'exit');
  return { version: version.split('\n')[0], probeExitCode: code };
};
