// The analysers a tree check needs for files it cannot answer from the cache: luaparse, the rules,
// and the bash parser (web-tree-sitter). checkProject loads this module on first need, so a
// `check --cache` run whose every file is unchanged never loads any of them.
export { analyzeModulefile } from '../modulefile/analyze';
export { analyzeWrapper } from '../wrapper/analyze';
export { bashParserReady, initBashParser } from '../wrapper/parser';
export { wrapperFacts } from '../wrapper/facts';
