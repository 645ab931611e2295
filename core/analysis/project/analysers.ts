// What a tree check needs for files it cannot answer from the cache: the one check engine
// (checkFile.ts, with luaparse and the rules) and the bash parser (web-tree-sitter). checkProject
// loads this module on first need, so a `check --cache` run whose every file is unchanged never
// loads any of them.
export { checkFile } from './checkFile';
export { bashParserReady, initBashParser } from '../wrapper/parser';
export { wrapperFacts } from '../wrapper/facts';
