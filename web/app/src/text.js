// Every text the pages show, in one place (to reword or translate them).
export const T = {
  siteName: document.body.dataset.siteName || 'authd',
  loading: 'Loading…',
  nav: {
    account: 'Profile', password: 'Password', security: 'Two-factor', sessions: 'Sessions', activity: 'Activity',
    signOut: 'Sign out', skip: 'Skip to content', main: 'Account',
  },
  signIn: {
    title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in',
    register: 'Create an account', forgot: 'Forgot your password?',
    secondTitle: 'Two-step verification', code: 'Code from your authenticator app or a recovery code',
    codeSubmit: 'Verify', cancel: 'Start over', passkey: 'Sign in with a passkey',
    usePasskey: 'Use a passkey instead', or: 'or',
  },
  register: {
    title: 'Create an account', username: 'Username', email: 'Email (optional)',
    password: 'Password', submit: 'Create account', done: 'Your account is ready. You can sign in now.',
    signIn: 'Already have an account? Sign in',
  },
  profile: {
    title: 'Your account', firstName: 'First name', lastName: 'Last name', save: 'Save',
    saved: 'Saved.', username: 'Username', email: 'Email', verified: 'verified',
    unverified: 'not verified', none: 'none', joined: 'Member since',
  },
  password: {
    title: 'Change password', old: 'Current password', new: 'New password', submit: 'Change password',
    done: 'Your password was changed and every session ended. Sign in again with the new password.',
  },
  sessions: {
    title: 'Sessions', thisDevice: 'This device', revoke: 'Sign out', revokeOthers: 'Sign out all other sessions',
    started: 'Started', lastUsed: 'Last used', never: 'not since sign-in', from: 'From', none: 'No other sessions.',
    device: 'Device',
  },
  security: {
    title: 'Two-factor authentication',
    totpTitle: 'Authenticator app', totpOn: 'On: sign-ins ask for a code from your app.',
    totpOff: 'Off.', totpStart: 'Set up an authenticator app',
    totpScan: 'Scan this code with your authenticator app, or type the key into it by hand.',
    qrAlt: 'QR code for your authenticator app', key: 'Key', code: 'Code from the app',
    totpConfirm: 'Turn on', totpDisable: 'Turn off the authenticator app',
    proof: 'Your password', recoveryTitle: 'Recovery codes',
    recoveryLeft: (n) => `${n} unused recovery ${n === 1 ? 'code' : 'codes'}.`,
    recoveryNone: 'None yet: they come with your first second factor.',
    recoveryRenew: 'Make new recovery codes', recoveryProof: 'A current code from your app, or a recovery code',
    codesTitle: 'Your recovery codes',
    codesOnce: 'Keep these somewhere safe: each signs you in once if you lose your app or passkey. They are shown only now.',
    copy: 'Copy', copied: 'Copied.', download: 'Download', done: 'I have saved them',
    passkeysTitle: 'Passkeys', passkeysNone: 'No passkeys yet.', passkeyName: 'Name for the new passkey',
    passkeyAdd: 'Add a passkey', remove: 'Remove', created: 'Added', lastUsed: 'Last used', never: 'never',
    flagged: 'Refused: its signature counter went backwards. Remove it.',
  },
  activity: { title: 'Security activity', when: 'When', what: 'What', from: 'From', outcome: 'Outcome', none: 'Nothing yet.' },
  forgot: {
    title: 'Reset your password', email: 'Email', submit: 'Mail me a link',
    done: 'If an account has this address, a link to reset its password is on its way.',
  },
  reset: {
    title: 'Choose a new password', password: 'New password', submit: 'Set password',
    done: 'Your password is set. Sign in with it.', missing: 'This link has no token. Ask for a new one.',
  },
  verify: {
    title: 'Verify your email', submit: 'Verify my address', done: 'Your address is verified.',
    missing: 'This link has no token.',
  },
  notFound: { title: 'Page not found', back: 'Back to your account' },
  errors: {
    network: 'The service could not be reached. Try again.',
    generic: 'Something went wrong. Try again.',
    passkey: 'No passkey was used.',
    passkeyKnown: 'This passkey is already registered.',
  },
};
