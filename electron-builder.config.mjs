/**
 * Installers (`npm run dist`, for the OS it runs on): Linux AppImage and deb, Windows NSIS, macOS
 * dmg. The app is the build (out/), the bundled models and the production dependencies, in an
 * asar archive; what cannot be read from inside one is unpacked beside it: native modules
 * (better-sqlite3, rebuilt for Electron by electron-builder) and WebAssembly. packaging.test.ts
 * checks that every file the app opens at run time is in the package.
 * @type {import('electron-builder').Configuration}
 */
export default {
  appId: 'org.emotionmonitor.app',
  productName: 'Emotion Monitor',
  copyright: 'Emotion Monitor contributors, MIT licence',
  directories: { output: 'dist', buildResources: 'resources/build' },
  files: ['out/**', 'resources/models/**', 'package.json', '!**/*.map'],
  asarUnpack: ['**/*.node', '**/*.wasm'],
  // better-sqlite3 built against Electron's Node, not the one that ran npm ci.
  npmRebuild: true,
  electronFuses: {
    runAsNode: false, // the ML process is a utilityProcess: nothing needs ELECTRON_RUN_AS_NODE
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false, // the app loads its page over its own app:// protocol
  },
  linux: { target: ['AppImage', 'deb'], category: 'Science', maintainer: 'Emotion Monitor contributors' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.education',
    hardenedRuntime: true,
    entitlements: 'resources/mac/entitlements.plist',
    entitlementsInherit: 'resources/mac/entitlements.plist',
    extendInfo: {
      NSCameraUsageDescription:
        'Emotion Monitor reads the camera to find faces and classify their expressions, on this Mac only: no frame leaves it.',
    },
  },
};
