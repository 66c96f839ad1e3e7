// The deck's fonts, from npm packages instead of Google Fonts: a talk must work on a stage with no
// network. `fonts.provider: none` in slides.md stops Slidev from linking Google Fonts; these imports
// put the same families into the build as local files (Vite copies the woff2 files into dist/).
import '@fontsource/nunito-sans/200.css'
import '@fontsource/nunito-sans/400.css'
import '@fontsource/nunito-sans/400-italic.css'
import '@fontsource/nunito-sans/600.css'
import '@fontsource/nunito-sans/700.css'
import '@fontsource/fira-code/400.css'
import '@fontsource/fira-code/600.css'
import './deck.css'
