import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { ReplayClient } from './lab/replay-client';
import { TrainClient } from './lab/train-client';
import { registerOfflineCache } from '../offline/register';

/** The page's two clients, made once: the replay (source and detect workers) and the train worker. */
mount(App, {
  target: document.getElementById('app')!,
  props: { replay: new ReplayClient(), train: new TrainClient() },
});

registerOfflineCache();
