<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Choice</name>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>From the base model</source>
        <translation>Vom Basismodell</translation>
    </message>
    <message>
        <source>From scratch (random weights)</source>
        <translation>Von Grund auf (zufällige Gewichte)</translation>
    </message>
    <message>
        <source>SD 1.x</source>
        <translation>SD 1.x</translation>
    </message>
    <message>
        <source>SD 2.x</source>
        <translation>SD 2.x</translation>
    </message>
    <message>
        <source>SD 2.x, v-prediction</source>
        <translation>SD 2.x, v-Vorhersage</translation>
    </message>
    <message>
        <source>SDXL</source>
        <translation>SDXL</translation>
    </message>
    <message>
        <source>Tiny (the demo&apos;s model)</source>
        <translation>Winzig (das Modell der Demo)</translation>
    </message>
    <message>
        <source>Noise (epsilon)</source>
        <translation>Rauschen (Epsilon)</translation>
    </message>
    <message>
        <source>Velocity (v-prediction)</source>
        <translation>Geschwindigkeit (v-Vorhersage)</translation>
    </message>
    <message>
        <source>Full fine-tune</source>
        <translation>Volles Feintraining</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Autoencoder (VAE)</source>
        <translation>Autoencoder (VAE)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <source>32-bit float (fp32)</source>
        <translation>32-Bit-Gleitkomma (fp32)</translation>
    </message>
    <message>
        <source>bfloat16 (bf16)</source>
        <translation>bfloat16 (bf16)</translation>
    </message>
    <message>
        <source>16-bit float (fp16)</source>
        <translation>16-Bit-Gleitkomma (fp16)</translation>
    </message>
    <message>
        <source>Folder of images</source>
        <translation>Ordner mit Bildern</translation>
    </message>
    <message>
        <source>WebDataset shards</source>
        <translation>WebDataset-Shards</translation>
    </message>
    <message>
        <source>Generated shapes (the demo&apos;s)</source>
        <translation>Erzeugte Formen (die der Demo)</translation>
    </message>
    <message>
        <source>AdamW</source>
        <translation>AdamW</translation>
    </message>
    <message>
        <source>AdamW with 8-bit states</source>
        <translation>AdamW mit 8-Bit-Zuständen</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>Konstant</translation>
    </message>
    <message>
        <source>Constant after warmup</source>
        <translation>Konstant nach dem Warmup</translation>
    </message>
    <message>
        <source>Linear decay</source>
        <translation>Linear fallend</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>Kosinus</translation>
    </message>
    <message>
        <source>Cosine with restarts</source>
        <translation>Kosinus mit Neustarts</translation>
    </message>
    <message>
        <source>Polynomial</source>
        <translation>Polynomiell</translation>
    </message>
    <message>
        <source>DDIM</source>
        <translation>DDIM</translation>
    </message>
    <message>
        <source>Euler</source>
        <translation>Euler</translation>
    </message>
    <message>
        <source>Euler ancestral</source>
        <translation>Euler ancestral</translation>
    </message>
    <message>
        <source>DPM++ 2M</source>
        <translation>DPM++ 2M</translation>
    </message>
    <message>
        <source>DPM++ 2M Karras</source>
        <translation>DPM++ 2M Karras</translation>
    </message>
    <message>
        <source>diffusers folder</source>
        <translation>diffusers-Ordner</translation>
    </message>
    <message>
        <source>Single file (A1111, ComfyUI)</source>
        <translation>Einzelne Datei (A1111, ComfyUI)</translation>
    </message>
    <message>
        <source>Both</source>
        <translation>Beides</translation>
    </message>
    <message>
        <source>kohya (A1111, ComfyUI)</source>
        <translation>kohya (A1111, ComfyUI)</translation>
    </message>
    <message>
        <source>diffusers / PEFT</source>
        <translation>diffusers / PEFT</translation>
    </message>
    <message>
        <source>None (32-bit floats)</source>
        <translation>Keine (32-Bit-Gleitkommazahlen)</translation>
    </message>
    <message>
        <source>8 bits, uniform</source>
        <translation>8 Bit, gleichmäßig</translation>
    </message>
    <message>
        <source>8 bits, quantile buckets</source>
        <translation>8 Bit, Quantil-Stufen</translation>
    </message>
    <message>
        <source>Weighted mean</source>
        <translation>Gewichteter Mittelwert</translation>
    </message>
    <message>
        <source>CenteredClip (robust)</source>
        <translation>CenteredClip (robust)</translation>
    </message>
    <message>
        <source>Synchronous (average gradients)</source>
        <translation>Synchron (Gradienten mitteln)</translation>
    </message>
    <message>
        <source>DiLoCo (for slow links)</source>
        <translation>DiLoCo (für langsame Verbindungen)</translation>
    </message>
    <message>
        <source>Every block (least memory)</source>
        <translation>Jeder Block (am wenigsten Speicher)</translation>
    </message>
    <message>
        <source>Attention blocks only</source>
        <translation>Nur die Attention-Blöcke</translation>
    </message>
    <message>
        <source>Resnet blocks only</source>
        <translation>Nur die Resnet-Blöcke</translation>
    </message>
    <message>
        <source>Every other block</source>
        <translation>Jeder zweite Block</translation>
    </message>
    <message>
        <source>On</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
</context>
<context>
    <name>Diagnostics</name>
    <message>
        <source>error: </source>
        <translation>Fehler: </translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>Warnung: </translation>
    </message>
    <message>
        <source>%1 is not allowed; %2</source>
        <translation>%1 ist nicht zulässig; %2</translation>
    </message>
    <message>
        <source>a base model is needed: a diffusers folder or a .safetensors checkpoint (or set model.init = &quot;scratch&quot;)</source>
        <translation>ein Basismodell wird benötigt: ein diffusers-Ordner oder ein .safetensors-Checkpoint (oder setzen Sie model.init = &quot;scratch&quot;)</translation>
    </message>
    <message>
        <source>a model made from scratch needs a named architecture: &quot;sd1&quot;, &quot;sd2&quot;, &quot;sd2-v&quot;, &quot;sdxl&quot; or &quot;tiny&quot;</source>
        <translation>für ein von Grund auf neu erstelltes Modell muss die Architektur angegeben werden: &quot;sd1&quot;, &quot;sd2&quot;, &quot;sd2-v&quot;, &quot;sdxl&quot; oder &quot;tiny&quot;</translation>
    </message>
    <message>
        <source>the folder the generated images are written to is needed</source>
        <translation>der Ordner, in den die generierten Bilder geschrieben werden, wird benötigt</translation>
    </message>
    <message>
        <source>the training images are needed: a folder of images with captions, or .tar shards</source>
        <translation>die Trainingsbilder werden benötigt: ein Ordner mit Bildern und Bildbeschreibungen oder .tar-Shards</translation>
    </message>
    <message>
        <source>the lowest timestep (%1) is above the highest (%2)</source>
        <translation>der niedrigste Zeitschritt (%1) liegt über dem höchsten (%2)</translation>
    </message>
    <message>
        <source>the shortest bucket side (%1) is longer than the longest (%2)</source>
        <translation>die kürzeste Bucket-Seite (%1) ist länger als die längste (%2)</translation>
    </message>
    <message>
        <source>the resolution %1 must lie between the bucket sides %2 and %3</source>
        <translation>die Auflösung %1 muss zwischen den Bucket-Seiten %2 und %3 liegen</translation>
    </message>
    <message>
        <source>warmup lasts the whole run, so the learning rate never reaches its peak</source>
        <translation>das Warmup dauert den gesamten Trainingslauf, daher erreicht die Lernrate nie ihren Höchstwert</translation>
    </message>
    <message>
        <source>LoRA needs at least one target module (for example &quot;to_q&quot;)</source>
        <translation>LoRA benötigt mindestens ein Zielmodul (zum Beispiel &quot;to_q&quot;)</translation>
    </message>
    <message>
        <source>samples are requested but there are no prompts, so none will be made</source>
        <translation>es sind Beispielbilder angefordert, aber keine Prompts angegeben, daher werden keine erzeugt</translation>
    </message>
    <message>
        <source>has no effect while dataset.shuffle_tags is off</source>
        <translation>hat keine Wirkung, solange dataset.shuffle_tags ausgeschaltet ist</translation>
    </message>
    <message>
        <source>expected a section [%1] with settings, not a single value</source>
        <translation>erwartet: ein Abschnitt [%1] mit Einstellungen, kein einzelner Wert</translation>
    </message>
    <message>
        <source>unknown top-level setting &quot;%1&quot;; settings belong in a section</source>
        <translation>unbekannte Einstellung &quot;%1&quot; auf oberster Ebene; Einstellungen gehören in einen Abschnitt</translation>
    </message>
    <message>
        <source> (did you mean to put it under %1?)</source>
        <translation> (wollten Sie sie unter %1 eintragen?)</translation>
    </message>
    <message>
        <source>unknown section [%1]</source>
        <translation>unbekannter Abschnitt [%1]</translation>
    </message>
    <message>
        <source> (did you mean [%1]?)</source>
        <translation> (meinten Sie [%1]?)</translation>
    </message>
    <message>
        <source>; the sections are %1</source>
        <translation>; mögliche Abschnitte: %1</translation>
    </message>
    <message>
        <source>unknown setting</source>
        <translation>unbekannte Einstellung</translation>
    </message>
    <message>
        <source>expected %1</source>
        <translation>erwartet: %1</translation>
    </message>
    <message>
        <source> (did you mean &quot;%1&quot;?)</source>
        <translation> (meinten Sie &quot;%1&quot;?)</translation>
    </message>
    <message>
        <source> here (did you mean %1?)</source>
        <translation> an dieser Stelle (meinten Sie %1?)</translation>
    </message>
    <message>
        <source> (did you mean %1?)</source>
        <translation> (meinten Sie %1?)</translation>
    </message>
    <message>
        <source>; [%1] has %2</source>
        <translation>; mögliche Einstellungen in [%1]: %2</translation>
    </message>
    <message>
        <source>not valid TOML: %1</source>
        <translation>kein gültiges TOML: %1</translation>
    </message>
    <message>
        <source>greater than %1</source>
        <translation>größer als %1</translation>
    </message>
    <message>
        <source>at least %1</source>
        <translation>mindestens %1</translation>
    </message>
    <message>
        <source>less than %1</source>
        <translation>kleiner als %1</translation>
    </message>
    <message>
        <source>at most %1</source>
        <translation>höchstens %1</translation>
    </message>
    <message>
        <source>%1 and %2</source>
        <translation>%1 und %2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true oder false</translation>
    </message>
    <message>
        <source>an integer</source>
        <translation>eine ganze Zahl</translation>
    </message>
    <message>
        <source>a multiple of %1</source>
        <translation>ein Vielfaches von %1</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>eine Zahl</translation>
    </message>
    <message>
        <source>a non-empty text in quotes</source>
        <translation>ein nicht leerer Text in Anführungszeichen</translation>
    </message>
    <message>
        <source>a text in quotes</source>
        <translation>ein Text in Anführungszeichen</translation>
    </message>
    <message>
        <source>a non-empty path in quotes</source>
        <translation>ein nicht leerer Pfad in Anführungszeichen</translation>
    </message>
    <message>
        <source>a path in quotes</source>
        <translation>ein Pfad in Anführungszeichen</translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation>einer der Werte %1</translation>
    </message>
    <message>
        <source>a list of texts, like [&quot;a&quot;, &quot;b&quot;]</source>
        <translation>eine Liste von Texten, etwa [&quot;a&quot;, &quot;b&quot;]</translation>
    </message>
    <message>
        <source>%1 (did you mean &quot;%2&quot;?)</source>
        <translation>%1 (meinten Sie &quot;%2&quot;?)</translation>
    </message>
    <message>
        <source>%1 or %2</source>
        <translation>%1 oder %2</translation>
    </message>
    <message>
        <source>a number, %1</source>
        <translation>eine Zahl, %1</translation>
    </message>
    <message>
        <source>the file is not valid TOML (%1)</source>
        <translation>die Datei ist kein gültiges TOML (%1)</translation>
    </message>
    <message>
        <source>[%1] is written as a single value, not as a section</source>
        <translation>[%1] ist als einzelner Wert geschrieben, nicht als Abschnitt</translation>
    </message>
    <message>
        <source>[%1] is written as an inline table or with dotted keys</source>
        <translation>[%1] ist als Inline-Tabelle oder mit Punkt-Schlüsseln geschrieben</translation>
    </message>
    <message>
        <source>the edited file would not read back as %1 = %2</source>
        <translation>die bearbeitete Datei würde nicht wieder als %1 = %2 gelesen</translation>
    </message>
    <message>
        <source>a swarm needs the run&apos;s key (sdtrain swarm new-key makes one for a new run)</source>
        <translation>ein Schwarm benötigt den Schlüssel des Laufs (sdtrain swarm new-key erzeugt einen für einen neuen Lauf)</translation>
    </message>
    <message>
        <source>%1 connections are fewer than the largest group (%2): every member of a group connects to this peer</source>
        <translation>%1 Verbindungen sind weniger als die größte Gruppe (%2): jedes Mitglied einer Gruppe verbindet sich mit diesem Peer</translation>
    </message>
    <message>
        <source>a served dataset (dataset.path http://…) needs the run key its server was started with</source>
        <translation>ein bereitgestellter Datensatz (dataset.path http://…) braucht den Laufschlüssel, mit dem sein Server gestartet wurde</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <source>CUDA driver</source>
        <translation>CUDA-Treiber</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>nicht gefunden</translation>
    </message>
    <message>
        <source>not built in (CPU-only build)</source>
        <translation>nicht enthalten (Build nur für CPU)</translation>
    </message>
    <message>
        <source>LibTorch CUDA</source>
        <translation>LibTorch CUDA</translation>
    </message>
    <message>
        <source>available</source>
        <translation>verfügbar</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>nicht verfügbar</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPUs</translation>
    </message>
    <message>
        <source>none (training runs on the CPU)</source>
        <translation>keine (das Training läuft auf der CPU)</translation>
    </message>
    <message>
        <source>CUDA runtime</source>
        <translation>CUDA-Laufzeit</translation>
    </message>
    <message>
        <source>Qt (sdstudio build)</source>
        <translation>Qt (sdstudio-Build)</translation>
    </message>
</context>
<context>
    <name>GettingStartedPanel</name>
    <message>
        <source>%1, %2 GB card</source>
        <translation>%1, Grafikkarte mit %2 GB</translation>
    </message>
    <message>
        <source>Its training step needs %1 GiB of GPU memory (measured).</source>
        <translation>Sein Trainingsschritt braucht %1 GiB GPU-Speicher (gemessen).</translation>
    </message>
</context>
<context>
    <name>Preset</name>
    <message>
        <source>LoRA on SD 1.5</source>
        <translation>LoRA auf SD 1.5</translation>
    </message>
    <message>
        <source>LoRA on SDXL</source>
        <translation>LoRA auf SDXL</translation>
    </message>
    <message>
        <source>Full fine-tune of SD 1.5</source>
        <translation>Volles Feintraining von SD 1.5</translation>
    </message>
    <message>
        <source>Rank 16, 1 image per step, gradient checkpointing, 1024 px.</source>
        <translation>Rang 16, 1 Bild pro Schritt, Gradient-Checkpointing, 1024 px.</translation>
    </message>
    <message>
        <source>Rank 32, 4 images per step, gradient checkpointing, 1024 px.</source>
        <translation>Rang 32, 4 Bilder pro Schritt, Gradient-Checkpointing, 1024 px.</translation>
    </message>
    <message>
        <source>Rank 32, 8 images per step, gradient checkpointing, 1024 px.</source>
        <translation>Rang 32, 8 Bilder pro Schritt, Gradient-Checkpointing, 1024 px.</translation>
    </message>
    <message>
        <source>Rank 16, 2 images per step, 512 px.</source>
        <translation>Rang 16, 2 Bilder pro Schritt, 512 px.</translation>
    </message>
    <message>
        <source>Rank 32, 8 images per step, 512 px.</source>
        <translation>Rang 32, 8 Bilder pro Schritt, 512 px.</translation>
    </message>
    <message>
        <source>Rank 64, 16 images per step, 512 px.</source>
        <translation>Rang 64, 16 Bilder pro Schritt, 512 px.</translation>
    </message>
    <message>
        <source>8 images per step, gradient checkpointing, 8-bit AdamW, 512 px.</source>
        <translation>8 Bilder pro Schritt, Gradient-Checkpointing, 8-Bit-AdamW, 512 px.</translation>
    </message>
    <message>
        <source>32 images per step, gradient checkpointing, AdamW, 512 px.</source>
        <translation>32 Bilder pro Schritt, Gradient-Checkpointing, AdamW, 512 px.</translation>
    </message>
</context>
<context>
    <name>Schema</name>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>What this training run is called.</source>
        <translation>Wie dieser Trainingslauf heißt.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Name of the run. Output files and the run folder are named after it.</source>
        <translation>Name des Trainingslaufs. Die Ausgabedateien und der Ordner des Trainingslaufs werden danach benannt.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>The base model to fine-tune and what kind of model it is.</source>
        <translation>Das Basismodell für das Fine-Tuning und die Art des Modells.</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>A diffusers folder (with model_index.json) or a single-file checkpoint (.safetensors) of SD 1.x, SD 2.x or SDXL. Needed unless the model starts from scratch.</source>
        <translation>Ein diffusers-Ordner (mit model_index.json) oder ein Checkpoint als Einzeldatei (.safetensors) von SD 1.x, SD 2.x oder SDXL. Erforderlich, sofern das Modell nicht von Grund auf neu erstellt wird.</translation>
    </message>
    <message>
        <source>Initial weights</source>
        <translation>Startgewichte</translation>
    </message>
    <message>
        <source>pretrained starts from the base model&apos;s weights; scratch creates new random weights of the chosen architecture (as the built-in demo does).</source>
        <translation>pretrained beginnt mit den Gewichten des Basismodells; scratch erzeugt neue zufällige Gewichte der gewählten Architektur (wie die integrierte Demo).</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <source>Model family. auto detects it from the base model&apos;s files; from scratch it must be named. tiny is the small model of the built-in demo.</source>
        <translation>Modellfamilie. auto erkennt sie anhand der Dateien des Basismodells; bei einem von Grund auf neu erstellten Modell muss sie angegeben werden. tiny ist das kleine Modell der integrierten Demo.</translation>
    </message>
    <message>
        <source>Prediction type</source>
        <translation>Vorhersagetyp</translation>
    </message>
    <message>
        <source>What the UNet learns to predict. auto takes it from the model&apos;s scheduler config (SD 2.x 768 px models use v_prediction).</source>
        <translation>Was das UNet vorherzusagen lernt. auto übernimmt den Wert aus der Scheduler-Konfiguration des Modells (768-px-Modelle von SD 2.x verwenden v_prediction).</translation>
    </message>
    <message>
        <source>Separate VAE</source>
        <translation>Separater VAE</translation>
    </message>
    <message>
        <source>Optional VAE (diffusers folder or .safetensors) used instead of the model&apos;s own. Empty: use the model&apos;s VAE.</source>
        <translation>Optionaler VAE (diffusers-Ordner oder .safetensors), der anstelle des modelleigenen verwendet wird. Leer: Der VAE des Modells wird verwendet.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>What is trained, for how long, and how each step is computed.</source>
        <translation>Was trainiert wird, wie lange und wie jeder Schritt berechnet wird.</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation>Trainingsschritte</translation>
    </message>
    <message>
        <source>Number of optimizer steps to train for.</source>
        <translation>Anzahl der Optimiererschritte, die trainiert werden.</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <source>Images per forward pass on each GPU.</source>
        <translation>Bilder pro Vorwärtsdurchlauf auf jeder GPU.</translation>
    </message>
    <message>
        <source>Gradient accumulation</source>
        <translation>Gradientenakkumulation</translation>
    </message>
    <message>
        <source>Forward passes whose gradients are summed before each optimizer step. Effective batch = batch size × accumulation × number of GPUs.</source>
        <translation>Vorwärtsdurchläufe, deren Gradienten vor jedem Optimiererschritt summiert werden. Effektive Batchgröße = Batchgröße × Akkumulation × Anzahl der GPUs.</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Seed for data order, noise and timesteps; the same seed and settings give the same run.</source>
        <translation>Seed für Datenreihenfolge, Rauschen und Zeitschritte; derselbe Seed ergibt mit denselben Einstellungen denselben Trainingslauf.</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>auto trains on all local GPUs when there are any, otherwise on the CPU.</source>
        <translation>auto trainiert auf allen lokalen GPUs, sofern vorhanden, andernfalls auf der CPU.</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Number format of weights and activations. bf16 keeps fp32 master weights in the optimizer; fp16 adds dynamic loss scaling; on the CPU fp32 is used.</source>
        <translation>Zahlenformat von Gewichten und Aktivierungen. bf16 behält fp32-Mastergewichte im Optimierer; fp16 ergänzt eine dynamische Loss-Skalierung; auf der CPU wird fp32 verwendet.</translation>
    </message>
    <message>
        <source>Gradient checkpointing</source>
        <translation>Gradient Checkpointing</translation>
    </message>
    <message>
        <source>Recompute activations in the backward pass instead of storing them: much less memory, about a third slower.</source>
        <translation>Aktivierungen im Rückwärtsdurchlauf neu berechnen, statt sie zu speichern: viel weniger Speicherbedarf, etwa ein Drittel langsamer.</translation>
    </message>
    <message>
        <source>Train the UNet</source>
        <translation>UNet trainieren</translation>
    </message>
    <message>
        <source>Update the UNet (or its LoRA adapters).</source>
        <translation>Das UNet (oder seine LoRA-Adapter) aktualisieren.</translation>
    </message>
    <message>
        <source>Train the text encoders</source>
        <translation>Text-Encoder trainieren</translation>
    </message>
    <message>
        <source>Also update the text encoder(s) (or give them LoRA adapters). Turns off the text embedding cache.</source>
        <translation>Auch den oder die Text-Encoder aktualisieren (oder mit LoRA-Adaptern versehen). Schaltet den Cache für Text-Embeddings aus.</translation>
    </message>
    <message>
        <source>Gradient clipping</source>
        <translation>Gradient Clipping</translation>
    </message>
    <message>
        <source>Clip gradients to this global norm before each step; 0 turns clipping off.</source>
        <translation>Gradienten vor jedem Schritt auf diese globale Norm begrenzen; 0 schaltet das Clipping aus.</translation>
    </message>
    <message>
        <source>Noise offset</source>
        <translation>Rausch-Offset</translation>
    </message>
    <message>
        <source>Adds this much per-channel constant noise, which helps the model learn very dark and very bright images. 0 turns it off; 0.05 to 0.1 is typical.</source>
        <translation>Fügt pro Kanal konstantes Rauschen dieser Stärke hinzu, wodurch das Modell sehr dunkle und sehr helle Bilder besser lernt. 0 schaltet es aus; typisch sind 0.05 bis 0.1.</translation>
    </message>
    <message>
        <source>Min-SNR γ</source>
        <translation>Min-SNR γ</translation>
    </message>
    <message>
        <source>Weights the loss of each timestep by min(SNR, γ)/SNR, which speeds up convergence. 0 turns it off; 5 is the usual value.</source>
        <translation>Gewichtet den Loss jedes Zeitschritts mit min(SNR, γ)/SNR, was die Konvergenz beschleunigt. 0 schaltet es aus; üblich ist 5.</translation>
    </message>
    <message>
        <source>Zero terminal SNR</source>
        <translation>Zero Terminal SNR</translation>
    </message>
    <message>
        <source>Rescale the noise schedule so the last timestep is pure noise (best with v-prediction).</source>
        <translation>Den Rauschplan so umskalieren, dass der letzte Zeitschritt reines Rauschen ist (am besten mit v-Prediction).</translation>
    </message>
    <message>
        <source>Lowest timestep</source>
        <translation>Niedrigster Zeitschritt</translation>
    </message>
    <message>
        <source>Training timesteps are drawn uniformly from lowest to highest, inclusive.</source>
        <translation>Die Trainingszeitschritte werden gleichverteilt aus dem Bereich vom niedrigsten bis einschließlich zum höchsten gezogen.</translation>
    </message>
    <message>
        <source>Highest timestep</source>
        <translation>Höchster Zeitschritt</translation>
    </message>
    <message>
        <source>Upper end of the timestep range; at most the model&apos;s number of training timesteps minus one (999 for Stable Diffusion).</source>
        <translation>Oberes Ende des Zeitschrittbereichs; höchstens die Anzahl der Trainingszeitschritte des Modells minus eins (999 bei Stable Diffusion).</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Low-rank adapters, used when the training method is lora.</source>
        <translation>Low-Rank-Adapter, die bei der Trainingsmethode lora verwendet werden.</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>Rang</translation>
    </message>
    <message>
        <source>Inner dimension of each adapter; larger learns more and makes larger files.</source>
        <translation>Innere Dimension jedes Adapters; größere Werte lernen mehr und erzeugen größere Dateien.</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <source>The adapter&apos;s output is scaled by alpha / rank.</source>
        <translation>Die Ausgabe des Adapters wird mit alpha / rank skaliert.</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Dropout probability inside the adapters during training.</source>
        <translation>Dropout-Wahrscheinlichkeit innerhalb der Adapter während des Trainings.</translation>
    </message>
    <message>
        <source>Target modules</source>
        <translation>Zielmodule</translation>
    </message>
    <message>
        <source>Linear layers that get adapters, matched by the end of their name (for example to_q matches every attention query projection). One per line.</source>
        <translation>Lineare Schichten, die Adapter erhalten, erkannt am Ende ihres Namens (zum Beispiel passt to_q auf jede Query-Projektion der Attention). Ein Eintrag pro Zeile.</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Where the training images and their captions come from.</source>
        <translation>Woher die Trainingsbilder und ihre Bildbeschreibungen stammen.</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>auto recognises folders and .tar shards. shapes generates the built-in demo&apos;s captioned images of coloured shapes into the path.</source>
        <translation>auto erkennt Ordner und .tar-Shards. shapes erzeugt im angegebenen Pfad die Bilder farbiger Formen samt Bildbeschreibungen aus der integrierten Demo.</translation>
    </message>
    <message>
        <source>How many images the shapes generator makes (kind = shapes only).</source>
        <translation>Wie viele Bilder der shapes-Generator erzeugt (nur bei kind = shapes).</translation>
    </message>
    <message>
        <source>Caption extension</source>
        <translation>Dateiendung der Beschreibungen</translation>
    </message>
    <message>
        <source>Extension of the caption file beside each image.</source>
        <translation>Dateiendung der Beschreibungsdatei neben jedem Bild.</translation>
    </message>
    <message>
        <source>Default caption</source>
        <translation>Standardbeschreibung</translation>
    </message>
    <message>
        <source>Caption for images that have no caption file. Empty: such images are reported and skipped.</source>
        <translation>Bildbeschreibung für Bilder ohne Beschreibungsdatei. Leer: Solche Bilder werden gemeldet und übersprungen.</translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>How often each image is seen per epoch. A folder named like 10_concept sets its own repeat count.</source>
        <translation>Wie oft jedes Bild pro Epoche verwendet wird. Ein Ordner mit einem Namen wie 10_concept legt seine eigene Anzahl an Wiederholungen fest.</translation>
    </message>
    <message>
        <source>Shuffle tags</source>
        <translation>Tags mischen</translation>
    </message>
    <message>
        <source>Shuffle the comma-separated tags of each caption every time it is used.</source>
        <translation>Die kommagetrennten Tags jeder Bildbeschreibung bei jeder Verwendung neu mischen.</translation>
    </message>
    <message>
        <source>Number of leading tags that stay first when tags are shuffled.</source>
        <translation>Anzahl der führenden Tags, die beim Mischen der Tags am Anfang bleiben.</translation>
    </message>
    <message>
        <source>Caption dropout</source>
        <translation>Beschreibungs-Dropout</translation>
    </message>
    <message>
        <source>Probability of training on an empty caption instead, which helps classifier-free guidance.</source>
        <translation>Wahrscheinlichkeit, stattdessen mit einer leeren Bildbeschreibung zu trainieren; das verbessert die Classifier-Free Guidance.</translation>
    </message>
    <message>
        <source>Smallest image side</source>
        <translation>Kleinste Bildseite</translation>
    </message>
    <message>
        <source>Images whose shorter side has fewer pixels are reported and skipped.</source>
        <translation>Bilder, deren kürzere Seite weniger Pixel hat, werden gemeldet und übersprungen.</translation>
    </message>
    <message>
        <source>Cache latents</source>
        <translation>Latents zwischenspeichern</translation>
    </message>
    <message>
        <source>Encode each image with the VAE once and keep the result in the project&apos;s cache folder, so training steps only run the UNet.</source>
        <translation>Jedes Bild einmalig mit dem VAE codieren und das Ergebnis im Cache-Ordner des Projekts ablegen, sodass in den Trainingsschritten nur noch das UNet läuft.</translation>
    </message>
    <message>
        <source>Cache text embeddings</source>
        <translation>Text-Embeddings zwischenspeichern</translation>
    </message>
    <message>
        <source>Encode fixed captions once while the text encoders are frozen (ignored when tags are shuffled or text encoders train).</source>
        <translation>Unveränderliche Bildbeschreibungen einmalig codieren, solange die Text-Encoder eingefroren sind (wird ignoriert, wenn Tags gemischt oder die Text-Encoder trainiert werden).</translation>
    </message>
    <message>
        <source>Loader threads</source>
        <translation>Lade-Threads</translation>
    </message>
    <message>
        <source>Background threads that decode and resize images; 0 picks one per CPU core, up to 8.</source>
        <translation>Hintergrund-Threads, die Bilder decodieren und skalieren; 0 wählt einen pro CPU-Kern, höchstens 8.</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
    <message>
        <source>Training resolution and aspect-ratio buckets.</source>
        <translation>Trainingsauflösung und Seitenverhältnis-Buckets.</translation>
    </message>
    <message>
        <source>Side of the square training size in pixels; buckets hold about this many pixels squared. 512 for SD 1.x, 768 for SD 2.x, 1024 for SDXL.</source>
        <translation>Seitenlänge der quadratischen Trainingsgröße in Pixeln; Buckets umfassen etwa diese Pixelzahl zum Quadrat. 512 für SD 1.x, 768 für SD 2.x, 1024 für SDXL.</translation>
    </message>
    <message>
        <source>Aspect-ratio buckets</source>
        <translation>Seitenverhältnis-Buckets</translation>
    </message>
    <message>
        <source>Group images by aspect ratio and train each group at its own size, instead of cropping everything square.</source>
        <translation>Bilder nach Seitenverhältnis gruppieren und jede Gruppe in ihrer eigenen Größe trainieren, statt alles quadratisch zuzuschneiden.</translation>
    </message>
    <message>
        <source>Shortest bucket side</source>
        <translation>Kürzeste Bucket-Seite</translation>
    </message>
    <message>
        <source>No bucket is narrower or lower than this many pixels.</source>
        <translation>Kein Bucket ist schmaler oder niedriger als diese Anzahl Pixel.</translation>
    </message>
    <message>
        <source>Longest bucket side</source>
        <translation>Längste Bucket-Seite</translation>
    </message>
    <message>
        <source>No bucket is wider or taller than this many pixels.</source>
        <translation>Kein Bucket ist breiter oder höher als diese Anzahl Pixel.</translation>
    </message>
    <message>
        <source>Random crop</source>
        <translation>Zufälliger Zuschnitt</translation>
    </message>
    <message>
        <source>Crop a random part of each resized image instead of its centre.</source>
        <translation>Aus jedem skalierten Bild einen zufälligen Ausschnitt statt der Mitte zuschneiden.</translation>
    </message>
    <message>
        <source>Random flip</source>
        <translation>Zufälliges Spiegeln</translation>
    </message>
    <message>
        <source>Mirror half of the images horizontally (avoid for text, logos and asymmetric subjects).</source>
        <translation>Die Hälfte der Bilder horizontal spiegeln (bei Text, Logos und asymmetrischen Motiven vermeiden).</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>Optimierer</translation>
    </message>
    <message>
        <source>How the weights are updated from their gradients.</source>
        <translation>Wie die Gewichte anhand ihrer Gradienten aktualisiert werden.</translation>
    </message>
    <message>
        <source>adamw keeps two fp32 moments per weight; adamw8bit stores them block-wise quantized in 8 bits, using a quarter of the memory.</source>
        <translation>adamw hält zwei fp32-Momente pro Gewicht; adamw8bit speichert sie blockweise auf 8 Bit quantisiert und benötigt so ein Viertel des Speichers.</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Text encoder learning rate</source>
        <translation>Lernrate der Text-Encoder</translation>
    </message>
    <message>
        <source>Learning rate of the text encoders when they train; 0 uses the learning rate above.</source>
        <translation>Lernrate der Text-Encoder, wenn diese trainiert werden; 0 verwendet die obige Lernrate.</translation>
    </message>
    <message>
        <source>β1</source>
        <translation>β1</translation>
    </message>
    <message>
        <source>Decay rate of the first moment (the running mean of gradients).</source>
        <translation>Abklingrate des ersten Moments (gleitender Mittelwert der Gradienten).</translation>
    </message>
    <message>
        <source>β2</source>
        <translation>β2</translation>
    </message>
    <message>
        <source>Decay rate of the second moment (the running mean of squared gradients).</source>
        <translation>Abklingrate des zweiten Moments (gleitender Mittelwert der quadrierten Gradienten).</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>Weight Decay</translation>
    </message>
    <message>
        <source>Decoupled weight decay, as in AdamW.</source>
        <translation>Entkoppelter Weight Decay wie bei AdamW.</translation>
    </message>
    <message>
        <source>Epsilon</source>
        <translation>Epsilon</translation>
    </message>
    <message>
        <source>Added to the denominator for numerical stability.</source>
        <translation>Wird zur numerischen Stabilität zum Nenner addiert.</translation>
    </message>
    <message>
        <source>Learning-rate schedule</source>
        <translation>Lernratenverlauf</translation>
    </message>
    <message>
        <source>How the learning rate changes over the run.</source>
        <translation>Wie sich die Lernrate im Lauf des Trainings ändert.</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Shape of the learning rate over the run, after warmup (the same schedules as the diffusers scripts).</source>
        <translation>Verlaufsform der Lernrate über das Training nach dem Warmup (dieselben Verläufe wie in den diffusers-Skripten).</translation>
    </message>
    <message>
        <source>Warmup steps</source>
        <translation>Warmup-Schritte</translation>
    </message>
    <message>
        <source>Steps over which the learning rate rises linearly from 0 (ignored by constant).</source>
        <translation>Anzahl der Schritte, über die die Lernrate linear von 0 ansteigt (wird von constant ignoriert).</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>Neustarts</translation>
    </message>
    <message>
        <source>Number of cosine cycles (cosine_with_restarts only).</source>
        <translation>Anzahl der Kosinuszyklen (nur cosine_with_restarts).</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>Exponent</translation>
    </message>
    <message>
        <source>Exponent of the polynomial decay (polynomial only; 1 is linear).</source>
        <translation>Exponent des polynomiellen Abfalls (nur polynomial; 1 ist linear).</translation>
    </message>
    <message>
        <source>Final learning rate</source>
        <translation>Endwert der Lernrate</translation>
    </message>
    <message>
        <source>Learning rate reached at the last step (polynomial only).</source>
        <translation>Lernrate, die im letzten Schritt erreicht wird (nur polynomial).</translation>
    </message>
    <message>
        <source>EMA</source>
        <translation>EMA</translation>
    </message>
    <message>
        <source>An exponential moving average of the trained weights, often the better model to keep.</source>
        <translation>Ein exponentieller gleitender Mittelwert der trainierten Gewichte, der oft das bessere Modell ergibt.</translation>
    </message>
    <message>
        <source>Keep an EMA</source>
        <translation>EMA führen</translation>
    </message>
    <message>
        <source>Keep an exponential moving average of the weights and save it with the model.</source>
        <translation>Einen exponentiellen gleitenden Mittelwert der Gewichte führen und mit dem Modell speichern.</translation>
    </message>
    <message>
        <source>Decay</source>
        <translation>Abklingfaktor</translation>
    </message>
    <message>
        <source>Weight of the previous average at each update; closer to 1 averages over more steps.</source>
        <translation>Gewicht des bisherigen Mittelwerts bei jeder Aktualisierung; je näher an 1, desto mehr Schritte gehen in den Mittelwert ein.</translation>
    </message>
    <message>
        <source>Update interval</source>
        <translation>Aktualisierungsintervall</translation>
    </message>
    <message>
        <source>Keep on the CPU</source>
        <translation>Auf der CPU halten</translation>
    </message>
    <message>
        <source>Hold the average in main memory instead of GPU memory (slower, saves GPU memory).</source>
        <translation>Den Mittelwert im Arbeitsspeicher statt im GPU-Speicher halten (langsamer, spart GPU-Speicher).</translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation>Checkpoints</translation>
    </message>
    <message>
        <source>Saved training state, from which a run resumes exactly.</source>
        <translation>Gespeicherter Trainingszustand, ab dem ein Trainingslauf exakt fortgesetzt werden kann.</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>Intervall</translation>
    </message>
    <message>
        <source>Checkpoints kept</source>
        <translation>Behaltene Checkpoints</translation>
    </message>
    <message>
        <source>How many of the newest checkpoints to keep; 0 keeps all.</source>
        <translation>Wie viele der neuesten Checkpoints behalten werden; 0 behält alle.</translation>
    </message>
    <message>
        <source>Save when stopped</source>
        <translation>Beim Stoppen speichern</translation>
    </message>
    <message>
        <source>Save a checkpoint when the run is stopped or interrupted (Ctrl+C, SIGTERM).</source>
        <translation>Einen Checkpoint speichern, wenn der Trainingslauf gestoppt oder unterbrochen wird (Strg+C, SIGTERM).</translation>
    </message>
    <message>
        <source>Resume from</source>
        <translation>Fortsetzen ab</translation>
    </message>
    <message>
        <source>A checkpoint folder to continue from, or latest for the newest checkpoint in the output folder. Empty: start a new run.</source>
        <translation>Ein Checkpoint-Ordner, ab dem fortgesetzt wird, oder latest für den neuesten Checkpoint im Ausgabeordner. Leer: Ein neuer Trainingslauf wird gestartet.</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispielbilder</translation>
    </message>
    <message>
        <source>Images generated during training with fixed prompts and seeds, to watch progress.</source>
        <translation>Während des Trainings mit festen Prompts und Seeds generierte Bilder, um den Fortschritt zu verfolgen.</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>Prompts</translation>
    </message>
    <message>
        <source>One sample image is made for each prompt. One per line.</source>
        <translation>Für jeden Prompt wird ein Beispielbild erzeugt. Ein Prompt pro Zeile.</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>Negativ-Prompt</translation>
    </message>
    <message>
        <source>What the samples should not show (used with classifier-free guidance).</source>
        <translation>Was die Beispielbilder nicht zeigen sollen (wird mit Classifier-Free Guidance verwendet).</translation>
    </message>
    <message>
        <source>Sampling steps</source>
        <translation>Sampling-Schritte</translation>
    </message>
    <message>
        <source>Denoising steps per sample.</source>
        <translation>Entrauschungsschritte pro Beispielbild.</translation>
    </message>
    <message>
        <source>Guidance scale</source>
        <translation>Guidance-Stärke</translation>
    </message>
    <message>
        <source>Classifier-free guidance strength; 1 turns guidance off.</source>
        <translation>Stärke der Classifier-Free Guidance; 1 schaltet die Guidance aus.</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <source>The scheduler that turns noise into a sample.</source>
        <translation>Der Scheduler, der aus Rauschen ein Beispielbild erzeugt.</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <source>Sample width in pixels, a multiple of 8; 0 uses the training resolution.</source>
        <translation>Breite der Beispielbilder in Pixeln, ein Vielfaches von 8; 0 verwendet die Trainingsauflösung.</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>Höhe</translation>
    </message>
    <message>
        <source>Sample height in pixels, a multiple of 8; 0 uses the training resolution.</source>
        <translation>Höhe der Beispielbilder in Pixeln, ein Vielfaches von 8; 0 verwendet die Trainingsauflösung.</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Loss on held-out images at fixed noise and timesteps, to spot overfitting.</source>
        <translation>Loss auf zurückgehaltenen Bildern bei festem Rauschen und festen Zeitschritten, um Overfitting zu erkennen.</translation>
    </message>
    <message>
        <source>Held-out fraction</source>
        <translation>Zurückgehaltener Anteil</translation>
    </message>
    <message>
        <source>Fraction of the images kept out of training for validation; 0 turns validation off.</source>
        <translation>Anteil der Bilder, der für die Validierung vom Training ausgenommen wird; 0 schaltet die Validierung aus.</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>Where results go and in which formats.</source>
        <translation>Wohin die Ergebnisse geschrieben werden und in welchen Formaten.</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <source>Folder for the run: checkpoints, samples, logs and the trained model. Relative paths are relative to the project file.</source>
        <translation>Ordner für den Trainingslauf: Checkpoints, Beispielbilder, Logs und das trainierte Modell. Relative Pfade beziehen sich auf die Projektdatei.</translation>
    </message>
    <message>
        <source>Model format</source>
        <translation>Modellformat</translation>
    </message>
    <message>
        <source>Save the trained model as a diffusers folder, as one .safetensors checkpoint in the original layout (for A1111 and ComfyUI), or both.</source>
        <translation>Das trainierte Modell als diffusers-Ordner, als einzelnen .safetensors-Checkpoint im ursprünglichen Layout (für A1111 und ComfyUI) oder in beiden Formaten speichern.</translation>
    </message>
    <message>
        <source>LoRA format</source>
        <translation>LoRA-Format</translation>
    </message>
    <message>
        <source>Key layout of saved LoRA files: kohya (loaded by A1111 and ComfyUI), diffusers/PEFT, or both.</source>
        <translation>Schlüssellayout gespeicherter LoRA-Dateien: kohya (wird von A1111 und ComfyUI geladen), diffusers/PEFT oder beide.</translation>
    </message>
    <message>
        <source>Saved precision</source>
        <translation>Genauigkeit beim Speichern</translation>
    </message>
    <message>
        <source>Number format of the saved model weights.</source>
        <translation>Zahlenformat der gespeicherten Modellgewichte.</translation>
    </message>
    <message>
        <source>TensorBoard logs</source>
        <translation>TensorBoard-Logs</translation>
    </message>
    <message>
        <source>Write TensorBoard event files into the run folder.</source>
        <translation>TensorBoard-Ereignisdateien in den Ordner des Trainingslaufs schreiben.</translation>
    </message>
    <message>
        <source>Number of generated images</source>
        <translation>Anzahl erzeugter Bilder</translation>
    </message>
    <message>
        <source>Leading tags kept first</source>
        <translation>Vorne festgehaltene Tags</translation>
    </message>
    <message>
        <source>Peak learning rate. Typical: 5e-6 to 1e-5 for a full fine-tune, 1e-4 for LoRA.</source>
        <translation>Höchste Lernrate. Üblich: 5e-6 bis 1e-5 für ein vollständiges Fine-Tuning, 1e-4 für LoRA.</translation>
    </message>
    <message>
        <source>Optimizer steps between two updates of the average.</source>
        <translation>Optimiererschritte zwischen zwei Aktualisierungen des Mittelwerts.</translation>
    </message>
    <message>
        <source>Steps between two saves of the complete training state; 0 saves only at the end.</source>
        <translation>Schritte zwischen zwei Sicherungen des vollständigen Trainingszustands; bei 0 wird nur am Ende gesichert.</translation>
    </message>
    <message>
        <source>Steps between two rounds of samples; 0 makes samples only on request.</source>
        <translation>Schritte zwischen zwei Runden von Beispielbildern; bei 0 entstehen Beispielbilder nur auf Anforderung.</translation>
    </message>
    <message>
        <source>Noise seed of the samples; fixed, so that samples of different steps can be compared.</source>
        <translation>Rausch-Seed der Beispielbilder; fest, damit sich Beispielbilder verschiedener Schritte vergleichen lassen.</translation>
    </message>
    <message>
        <source>Steps between two computations of the validation loss.</source>
        <translation>Schritte zwischen zwei Berechnungen des Validierungs-Loss.</translation>
    </message>
    <message>
        <source>Metadata filters</source>
        <translation>Metadatenfilter</translation>
    </message>
    <message>
        <source>WebDataset shards only: conditions on each sample&apos;s json metadata, such as original_width &gt;= 512 or pwatermark &lt;= 0.5 (a number field, one of &gt;= &lt;= == != &gt; &lt;, a number). Samples that fail one, or lack its field, are skipped and counted in the dataset check. One per line.</source>
        <translation>Nur für WebDataset-Shards: Bedingungen an die JSON-Metadaten jedes Beispiels, etwa original_width &gt;= 512 oder pwatermark &lt;= 0.5 (ein Zahlenfeld, einer der Operatoren &gt;= &lt;= == != &gt; &lt;, eine Zahl). Beispiele, die eine Bedingung nicht erfüllen oder denen das Feld fehlt, werden übersprungen und in der Datensatzprüfung gezählt. Eine Bedingung pro Zeile.</translation>
    </message>
    <message>
        <source>full fine-tunes all weights of the trained models; lora trains small low-rank adapters (see the LoRA section) and leaves the base weights unchanged; vae trains the autoencoder alone to reconstruct the images.</source>
        <translation>full passt per Fine-Tuning alle Gewichte der trainierten Modelle an; lora trainiert kleine Low-Rank-Adapter (siehe Abschnitt „LoRA“) und lässt die Basisgewichte unverändert; vae trainiert allein den Autoencoder darauf, die Bilder zu rekonstruieren.</translation>
    </message>
    <message>
        <source>VAE KL weight</source>
        <translation>KL-Gewicht des VAE</translation>
    </message>
    <message>
        <source>Method vae only: weight of the KL term that keeps the latents close to a unit Gaussian, next to the reconstruction error.</source>
        <translation>Nur Methode vae: Gewicht des KL-Terms, der die Latents nahe an einer Standardnormalverteilung hält, neben dem Rekonstruktionsfehler.</translation>
    </message>
    <message>
        <source>Multi-GPU</source>
        <translation>Mehrere GPUs</translation>
    </message>
    <message>
        <source>Data-parallel training: one worker process per GPU (or CPU process), each training its share of every batch. See docs/distributed.md for clusters.</source>
        <translation>Datenparalleles Training: ein Arbeitsprozess pro GPU (oder CPU-Prozess), jeder trainiert seinen Anteil an jedem Batch. Für Cluster siehe docs/distributed.md.</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPUs</translation>
    </message>
    <message>
        <source>GPUs to train on when the device is auto or cuda: all, a count (2: the first two) or indices (0,2). Effective batch = batch size × accumulation × GPUs.</source>
        <translation>GPUs, auf denen trainiert wird, wenn das Gerät auto oder cuda ist: all, eine Anzahl (2: die ersten zwei) oder Indizes (0,2). Effektiver Batch = Batchgröße × Akkumulation × GPUs.</translation>
    </message>
    <message>
        <source>CPU processes</source>
        <translation>CPU-Prozesse</translation>
    </message>
    <message>
        <source>Worker processes when training on the CPU, each with its share of every batch. More than one is mainly for testing and CPU clusters.</source>
        <translation>Arbeitsprozesse beim Training auf der CPU, jeder mit seinem Anteil an jedem Batch. Mehr als einer dient vor allem Tests und CPU-Clustern.</translation>
    </message>
    <message>
        <source>Exchange timeout</source>
        <translation>Zeitlimit für den Austausch</translation>
    </message>
    <message>
        <source>Seconds a worker waits for the others at a step&apos;s exchange before the run ends with an error. A worker that dies is noticed at once.</source>
        <translation>Sekunden, die ein Arbeitsprozess beim Austausch eines Schritts auf die anderen wartet, bevor der Lauf mit einem Fehler endet. Ein abgestürzter Arbeitsprozess wird sofort bemerkt.</translation>
    </message>
    <message>
        <source>Shard the optimizer state</source>
        <translation>Optimiererzustand aufteilen</translation>
    </message>
    <message>
        <source>ZeRO-1: each GPU keeps the optimizer state (fp32 master weights and moments) of its share of the parameters only and sends its updated weights to the others. Less memory per GPU, the same results.</source>
        <translation>ZeRO-1: Jede GPU hält den Optimiererzustand (fp32-Mastergewichte und Momente) nur für ihren Anteil der Parameter und sendet ihre aktualisierten Gewichte an die anderen. Weniger Speicher pro GPU, dieselben Ergebnisse.</translation>
    </message>
    <message>
        <source>Swarm</source>
        <translation>Schwarm</translation>
    </message>
    <message>
        <source>Training together with other peers over the internet: each peer accumulates gradients until the swarm reaches the target batch, then all average them and take the same step. See docs/swarm.md.</source>
        <translation>Training gemeinsam mit anderen Teilnehmern über das Internet: Jeder Teilnehmer sammelt Gradienten, bis der Schwarm den Ziel-Batch erreicht hat; dann mitteln alle sie und machen denselben Schritt. Siehe docs/swarm.md.</translation>
    </message>
    <message>
        <source>Join a swarm</source>
        <translation>An einem Schwarm teilnehmen</translation>
    </message>
    <message>
        <source>Train as a peer of the swarm that the run key names.</source>
        <translation>Als Teilnehmer des Schwarms trainieren, den der Laufschlüssel benennt.</translation>
    </message>
    <message>
        <source>Run key</source>
        <translation>Laufschlüssel</translation>
    </message>
    <message>
        <source>The run&apos;s secret key (sdtrain swarm new-key makes one), or the path of a file holding it. Every peer of the run uses the same key; keep it private.</source>
        <translation>Der geheime Schlüssel des Trainingslaufs (sdtrain swarm new-key erzeugt einen) oder der Pfad einer Datei, die ihn enthält. Alle Teilnehmer des Laufs verwenden denselben Schlüssel; halten Sie ihn geheim.</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>Teilnehmer</translation>
    </message>
    <message>
        <source>host:port of a bootstrap node or of any peer of the run, to find the others. Empty for the first peer. One per line.</source>
        <translation>host:port eines Bootstrap-Knotens oder eines beliebigen Teilnehmers des Laufs, um die anderen zu finden. Leer für den ersten Teilnehmer. Einer pro Zeile.</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>TCP port for the other peers and UDP port for finding them (the same number); 0 picks a free one.</source>
        <translation>TCP-Port für die anderen Teilnehmer und UDP-Port, um sie zu finden (dieselbe Nummer); 0 wählt einen freien.</translation>
    </message>
    <message>
        <source>Public address</source>
        <translation>Öffentliche Adresse</translation>
    </message>
    <message>
        <source>The address other peers reach this one at. Empty: the local address that reaches the first of the peers.</source>
        <translation>Die Adresse, unter der andere Teilnehmer diesen erreichen. Leer: die lokale Adresse, über die der erste der Teilnehmer erreicht wird.</translation>
    </message>
    <message>
        <source>Client mode</source>
        <translation>Client-Modus</translation>
    </message>
    <message>
        <source>Accept no connections (behind a firewall): this peer sends its gradients and receives the averages, but averages no part for the others.</source>
        <translation>Keine Verbindungen annehmen (hinter einer Firewall): Dieser Teilnehmer sendet seine Gradienten und erhält die Mittelwerte, mittelt aber keinen Teil für die anderen.</translation>
    </message>
    <message>
        <source>Target batch size</source>
        <translation>Ziel-Batchgröße</translation>
    </message>
    <message>
        <source>Matchmaking time</source>
        <translation>Zeit für die Gruppenbildung</translation>
    </message>
    <message>
        <source>Seconds a round waits for the peers to gather before averaging.</source>
        <translation>Sekunden, die eine Runde vor dem Mitteln wartet, bis sich die Teilnehmer gesammelt haben.</translation>
    </message>
    <message>
        <source>Averaging timeout</source>
        <translation>Zeitlimit für das Mitteln</translation>
    </message>
    <message>
        <source>Seconds an averaging round may take; parts of peers that do not answer in time are left out.</source>
        <translation>Sekunden, die eine Mittelungsrunde dauern darf; Teile von Teilnehmern, die nicht rechtzeitig antworten, bleiben außen vor.</translation>
    </message>
    <message>
        <source>Largest group</source>
        <translation>Größte Gruppe</translation>
    </message>
    <message>
        <source>Most peers that average together in one group.</source>
        <translation>Höchstzahl der Teilnehmer, die in einer Gruppe gemeinsam mitteln.</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>Kompression</translation>
    </message>
    <message>
        <source>Aggregation</source>
        <translation>Zusammenführung</translation>
    </message>
    <message>
        <source>The weighted mean, or CenteredClip, which bounds what a single faulty or malicious peer can move the average.</source>
        <translation>Der gewichtete Mittelwert oder CenteredClip, das begrenzt, wie weit ein einzelner fehlerhafter oder böswilliger Teilnehmer den Mittelwert verschieben kann.</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>sync: peers average gradients until the swarm has the target batch and all take the same step. diloco (for slow links): each peer takes local_steps steps of its own, then peers average how far their weights moved and take one outer Nesterov step.</source>
        <translation>sync: Die Teilnehmer mitteln Gradienten, bis der Schwarm den Ziel-Batch erreicht hat, und alle machen denselben Schritt. diloco (für langsame Verbindungen): Jeder Teilnehmer macht local_steps eigene Schritte, dann mitteln die Teilnehmer, wie weit sich ihre Gewichte bewegt haben, und machen einen äußeren Nesterov-Schritt.</translation>
    </message>
    <message>
        <source>Mode sync: samples all peers together accumulate before each averaging round and optimizer step. Every peer of a run must use the same value.</source>
        <translation>Modus sync: Beispiele, die alle Teilnehmer zusammen vor jeder Mittelungsrunde und jedem Optimiererschritt sammeln. Alle Teilnehmer eines Laufs müssen denselben Wert verwenden.</translation>
    </message>
    <message>
        <source>Local steps</source>
        <translation>Lokale Schritte</translation>
    </message>
    <message>
        <source>Mode diloco: optimizer steps per peer between two averaging rounds, counted for the swarm together (a faster peer takes more of them).</source>
        <translation>Modus diloco: Optimiererschritte je Teilnehmer zwischen zwei Mittelungsrunden, für den Schwarm gemeinsam gezählt (ein schnellerer Teilnehmer macht mehr davon).</translation>
    </message>
    <message>
        <source>Outer learning rate</source>
        <translation>Äußere Lernrate</translation>
    </message>
    <message>
        <source>Mode diloco: learning rate of the outer Nesterov step.</source>
        <translation>Modus diloco: Lernrate des äußeren Nesterov-Schritts.</translation>
    </message>
    <message>
        <source>Outer momentum</source>
        <translation>Äußeres Momentum</translation>
    </message>
    <message>
        <source>Mode diloco: momentum of the outer Nesterov step.</source>
        <translation>Modus diloco: Momentum des äußeren Nesterov-Schritts.</translation>
    </message>
    <message>
        <source>How values travel: exact 32-bit floats, 16-bit floats, or 8 bits per value (uniform or quantile buckets); auto is none in mode sync and uniform8 in mode diloco. Tensors under 65536 values are never compressed.</source>
        <translation>Wie die Werte übertragen werden: exakte 32-Bit-Gleitkommazahlen, 16-Bit-Gleitkommazahlen oder 8 Bit pro Wert (gleichmäßige oder Quantil-Stufen); auto bedeutet none im Modus sync und uniform8 im Modus diloco. Tensoren mit weniger als 65536 Werten werden nie komprimiert.</translation>
    </message>
    <message>
        <source>Average state every</source>
        <translation>Zustand mitteln alle</translation>
    </message>
    <message>
        <source>Mode sync: epochs between two averagings of the weights and the optimizer&apos;s moments, which keep peers from drifting apart after a round some missed; 0 never.</source>
        <translation>Modus sync: Epochen zwischen zwei Mittelungen der Gewichte und der Momente des Optimierers, die verhindern, dass Teilnehmer nach einer teils verpassten Runde auseinanderlaufen; 0 nie.</translation>
    </message>
    <message>
        <source>Most connections</source>
        <translation>Höchstens Verbindungen</translation>
    </message>
    <message>
        <source>Most other peers this peer keeps connections with at once (their parts of a round, matchmaking, state downloads); more are turned away until one ends. At least the largest group: every member of a group sends this peer its part.</source>
        <translation>Mit wie vielen anderen Peers dieser Peer zugleich verbunden bleibt (ihre Teile einer Runde, Gruppenbildung, Herunterladen des Zustands); weitere werden abgewiesen, bis eine Verbindung endet. Mindestens die größte Gruppe: jedes Mitglied einer Gruppe schickt diesem Peer seinen Teil.</translation>
    </message>
    <message>
        <source>Overlap rounds</source>
        <translation>Runden überlappen</translation>
    </message>
    <message>
        <source>Mode diloco: a round averages in the background while the next window of local steps trains, and its outer step is applied when it ends (one window late), so that the link&apos;s time hides behind training. Off: training waits for each round.</source>
        <translation>Modus diloco: Eine Runde mittelt im Hintergrund, während das nächste Fenster lokaler Schritte trainiert, und ihr äußerer Schritt wird angewandt, wenn sie endet (ein Fenster später), sodass die Zeit der Verbindung hinter dem Training verschwindet. Aus: Das Training wartet auf jede Runde.</translation>
    </message>
    <message>
        <source>UPnP port mapping</source>
        <translation>UPnP-Portweiterleitung</translation>
    </message>
    <message>
        <source>A folder of images with a caption file beside each (cat.png + cat.txt; subfolders are concepts), WebDataset shards such as shards/shard-{000..099}.tar, or the address of a swarm&apos;s dataset server, http://HOST:PORT.</source>
        <translation>Ein Ordner mit Bildern und je einer Beschreibungsdatei daneben (cat.png + cat.txt; Unterordner sind Konzepte), WebDataset-Shards wie shards/shard-{000..099}.tar oder die Adresse des Datensatz-Servers eines Schwarms, http://HOST:PORT.</translation>
    </message>
    <message>
        <source>With no public address: ask the home router (UPnP, or NAT-PMP) to forward the port to this computer and publish the router&apos;s external address. Where no router answers within seconds or it refuses, this peer is relayed by a bootstrap node that relays, or else takes part in client mode.</source>
        <translation>Ohne öffentliche Adresse: den Heim-Router (UPnP oder NAT-PMP) bitten, den Port an diesen Computer weiterzuleiten, und die externe Adresse des Routers veröffentlichen. Antwortet binnen Sekunden kein Router oder lehnt er ab, wird dieser Teilnehmer von einem weiterleitenden Bootstrap-Knoten vermittelt oder nimmt sonst im Client-Modus teil.</translation>
    </message>
    <message>
        <source>Checkpointed blocks</source>
        <translation>Neu berechnete Blöcke</translation>
    </message>
    <message>
        <source>Which blocks of the UNet recompute their activations when gradient checkpointing is on: all of them (least memory), only the attention blocks, only the resnets, or every other block; the last three trade less of the speed for less of the memory saving.</source>
        <translation>Welche Blöcke des UNet ihre Aktivierungen neu berechnen, wenn Gradient-Checkpointing an ist: alle (am wenigsten Speicher), nur die Attention-Blöcke, nur die Resnets oder jeder zweite Block; die letzten drei kosten weniger Geschwindigkeit und sparen dafür weniger Speicher.</translation>
    </message>
    <message>
        <source>Channels-last layout</source>
        <translation>Channels-last-Speicherlayout</translation>
    </message>
    <message>
        <source>Run the UNet on a GPU with its activations stored channels-last, which its convolutions and group norms read without conversions: about a tenth faster at large batches, slower at small ones. auto: on for batches of 8 or more. Ignored on the CPU.</source>
        <translation>Das UNet auf einer GPU mit Aktivierungen im Channels-last-Layout ausführen, das seine Faltungen und Gruppennormierungen ohne Umwandlung lesen: bei großen Batches etwa ein Zehntel schneller, bei kleinen langsamer. auto: an ab Batches von 8 Bildern. Auf der CPU ohne Wirkung.</translation>
    </message>
</context>
<context>
    <name>sds::widgets::AboutDialog</name>
    <message>
        <source>About SD Studio</source>
        <translation>Über SD Studio</translation>
    </message>
    <message>
        <source>&lt;h2&gt;SD Studio %1&lt;/h2&gt;&lt;p&gt;A training studio for Stable Diffusion: fine-tune SD 1.x, SD 2.x and SDXL, in full or with LoRA, on every local GPU.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;SD Studio %1&lt;/h2&gt;&lt;p&gt;Ein Trainingsstudio für Stable Diffusion: Fine-Tuning von SD 1.x, SD 2.x und SDXL, vollständig oder mit LoRA, auf allen lokalen GPUs.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponente</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Qt (running)</source>
        <translation>Qt (zur Laufzeit)</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <source>sdtrain was not found next to sdstudio or on the PATH</source>
        <translation>sdtrain wurde weder neben sdstudio noch im PATH gefunden</translation>
    </message>
    <message>
        <source>%1 did not report its version: %2</source>
        <translation>%1 hat seine Version nicht gemeldet: %2</translation>
    </message>
</context>
<context>
    <name>sds::widgets::CaptionEditor</name>
    <message>
        <source>Caption</source>
        <translation>Bildunterschrift</translation>
    </message>
    <message>
        <source>Select an image to edit its caption</source>
        <translation>Wählen Sie ein Bild, um seine Bildunterschrift zu bearbeiten</translation>
    </message>
    <message>
        <source>The caption of the selected image; Ctrl+Return saves it</source>
        <translation>Die Bildunterschrift des gewählten Bildes; Strg+Eingabe speichert sie</translation>
    </message>
    <message>
        <source>Save capt&amp;ion</source>
        <translation>Bildunterschrift spe&amp;ichern</translation>
    </message>
    <message>
        <source>Write the caption file beside the image (Ctrl+Return)</source>
        <translation>Die Datei der Bildunterschrift neben das Bild schreiben (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>Discard the changes to this caption</source>
        <translation>Die Änderungen an dieser Bildunterschrift verwerfen</translation>
    </message>
    <message>
        <source>&amp;Caption</source>
        <translation>&amp;Bildunterschrift</translation>
    </message>
    <message>
        <source>&amp;Caption of %1</source>
        <translation>&amp;Bildunterschrift von %1</translation>
    </message>
    <message>
        <source>Captions inside tar shards cannot be edited here.</source>
        <translation>Bildunterschriften in tar-Shards lassen sich hier nicht bearbeiten.</translation>
    </message>
    <message>
        <source>This image is skipped by the scan: %1</source>
        <translation>Dieses Bild wird beim Einlesen übersprungen: %1</translation>
    </message>
    <message>
        <source>The caption was not saved.</source>
        <translation>Die Bildunterschrift wurde nicht gespeichert.</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>Gespeichert in %1.</translation>
    </message>
</context>
<context>
    <name>sds::widgets::DatasetModel</name>
    <message>
        <source>(skipped)</source>
        <translation>(übersprungen)</translation>
    </message>
    <message>
        <source>(no caption)</source>
        <translation>(keine Bildunterschrift)</translation>
    </message>
    <message>
        <source>%1 is inside a tar shard; captions of WebDataset shards cannot be edited here. Edit the shard&apos;s .txt member with the tool that made it.</source>
        <translation>%1 liegt in einem tar-Shard; Bildunterschriften von WebDataset-Shards lassen sich hier nicht bearbeiten. Bearbeiten Sie das .txt-Element des Shards mit dem Werkzeug, das ihn erstellt hat.</translation>
    </message>
    <message>
        <source>The caption could not be saved: %1</source>
        <translation>Die Bildunterschrift konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 Pixel</translation>
    </message>
    <message>
        <source>Caption: %1</source>
        <translation>Bildunterschrift: %1</translation>
    </message>
    <message>
        <source>%1 is skipped by the scan; its caption cannot be edited.</source>
        <translation>%1 wird beim Einlesen übersprungen; seine Bildunterschrift lässt sich nicht bearbeiten.</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>nicht lesbar</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>leer</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>kein Bild</translation>
    </message>
    <message>
        <source>unsupported</source>
        <translation>nicht unterstützt</translation>
    </message>
    <message>
        <source>truncated</source>
        <translation>abgeschnitten</translation>
    </message>
    <message>
        <source>corrupt</source>
        <translation>beschädigt</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>zu groß</translation>
    </message>
    <message>
        <source>missing caption</source>
        <translation>Bildunterschrift fehlt</translation>
    </message>
    <message>
        <source>bad caption</source>
        <translation>fehlerhafte Bildunterschrift</translation>
    </message>
    <message>
        <source>caption too long</source>
        <translation>Bildunterschrift zu lang</translation>
    </message>
    <message>
        <source>too small</source>
        <translation>zu klein</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>Duplikat</translation>
    </message>
    <message>
        <source>filtered</source>
        <translation>ausgefiltert</translation>
    </message>
    <message>
        <source>bad concept</source>
        <translation>fehlerhaftes Konzept</translation>
    </message>
    <message>
        <source>bad shard</source>
        <translation>fehlerhafter Shard</translation>
    </message>
</context>
<context>
    <name>sds::widgets::DatasetPage</name>
    <message>
        <source>Use a folder of images with captions as the dataset</source>
        <translation>Einen Ordner mit Bildern und Bildunterschriften als Datensatz verwenden</translation>
    </message>
    <message>
        <source>Re&amp;scan</source>
        <translation>&amp;Neu einlesen</translation>
    </message>
    <message>
        <source>Scan the dataset again</source>
        <translation>Den Datensatz erneut einlesen</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>Alle Bilder</translation>
    </message>
    <message>
        <source>Any problem</source>
        <translation>Alle Probleme</translation>
    </message>
    <message>
        <source>Missing caption</source>
        <translation>Fehlende Bildunterschrift</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>Nicht lesbar</translation>
    </message>
    <message>
        <source>Too small</source>
        <translation>Zu klein</translation>
    </message>
    <message>
        <source>Filter by caption or file name…</source>
        <translation>Nach Bildunterschrift oder Dateiname filtern…</translation>
    </message>
    <message>
        <source>Filter by caption or file name</source>
        <translation>Nach Bildunterschrift oder Dateiname filtern</translation>
    </message>
    <message>
        <source>Scan progress</source>
        <translation>Fortschritt des Einlesens</translation>
    </message>
    <message>
        <source>Scanning: %v / %m images</source>
        <translation>Einlesen: %v / %m Bilder</translation>
    </message>
    <message>
        <source>Drop a folder of images with captions, single images or WebDataset .tar shards here, or choose a folder.</source>
        <translation>Ziehen Sie einen Ordner mit Bildern und Bildunterschriften, einzelne Bilder oder WebDataset-.tar-Shards hierher, oder wählen Sie einen Ordner.</translation>
    </message>
    <message>
        <source>Images and captions</source>
        <translation>Bilder und Bildunterschriften</translation>
    </message>
    <message>
        <source>Double-click or press F2 to edit a caption</source>
        <translation>Doppelklick oder F2 bearbeitet eine Bildunterschrift</translation>
    </message>
    <message>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Bucket histogram</source>
        <translation>Bucket-Histogramm</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Problems found</source>
        <translation>Gefundene Probleme</translation>
    </message>
    <message>
        <source>Caption Not Saved</source>
        <translation>Bildunterschrift nicht gespeichert</translation>
    </message>
    <message>
        <source>Aspect-ratio buckets</source>
        <translation>Buckets nach Seitenverhältnis</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>No dataset chosen.</source>
        <translation>Kein Datensatz gewählt.</translation>
    </message>
    <message>
        <source>Dataset: %1</source>
        <translation>Datensatz: %1</translation>
    </message>
    <message>
        <source>(scan cancelled)</source>
        <translation>(Einlesen abgebrochen)</translation>
    </message>
    <message>
        <source>The dataset cannot be read:
%1</source>
        <translation>Der Datensatz kann nicht gelesen werden:
%1</translation>
    </message>
    <message>
        <source>No images found in %1. Drop images here to add them.</source>
        <translation>In %1 wurden keine Bilder gefunden. Ziehen Sie Bilder hierher, um sie hinzuzufügen.</translation>
    </message>
    <message>
        <source>No dataset scanned yet.</source>
        <translation>Noch kein Datensatz eingelesen.</translation>
    </message>
    <message>
        <source>%1 usable images (%2), %3 skipped, %4 without caption; %5 per epoch with repeats.</source>
        <translation>%1 verwendbare Bilder (%2), %3 übersprungen, %4 ohne Bildunterschrift; %5 pro Epoche mit Wiederholungen.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Dataset Folder</source>
        <translation>Datensatzordner</translation>
    </message>
    <message>
        <source>Not Added</source>
        <translation>Nicht hinzugefügt</translation>
    </message>
    <message>
        <source>Folder to Add the Images To</source>
        <translation>Ordner, dem die Bilder hinzugefügt werden</translation>
    </message>
    <message>
        <source>Already in the dataset (left as they are): %1</source>
        <translation>Schon im Datensatz (unverändert gelassen): %1</translation>
    </message>
    <message>
        <source>Could not be copied: %1</source>
        <translation>Konnten nicht kopiert werden: %1</translation>
    </message>
    <message>
        <source>Some Images Not Added</source>
        <translation>Einige Bilder nicht hinzugefügt</translation>
    </message>
    <message>
        <source>Choose fol&amp;der…</source>
        <translation>&amp;Ordner wählen…</translation>
    </message>
    <message>
        <source>Sho&amp;w:</source>
        <translation>An&amp;zeigen:</translation>
    </message>
    <message>
        <source>Dataset path</source>
        <translation>Pfad des Datensatzes</translation>
    </message>
    <message>
        <source>Cancel sca&amp;n</source>
        <translation>Einlesen abbre&amp;chen</translation>
    </message>
    <message>
        <source>Stop the scan; the last complete scan stays shown</source>
        <translation>Das Einlesen anhalten; das letzte vollständige Ergebnis bleibt sichtbar</translation>
    </message>
    <message>
        <source>Dataset summary</source>
        <translation>Übersicht des Datensatzes</translation>
    </message>
    <message>
        <source>Double-click or press Enter on a problem to show its image</source>
        <translation>Doppelklick oder Eingabetaste auf ein Problem zeigt sein Bild</translation>
    </message>
    <message>
        <source>Captions were edited since the scan: rescan to update the counts and buckets.</source>
        <translation>Seit dem Einlesen wurden Bildunterschriften bearbeitet: Neu einlesen aktualisiert Zählungen und Buckets.</translation>
    </message>
    <message>
        <source>A dataset is one folder, or .tar shards of one folder, or images to add to it. These were not used: %1</source>
        <translation>Ein Datensatz ist ein Ordner, .tar-Shards eines Ordners oder Bilder, die ihm hinzugefügt werden. Diese wurden nicht verwendet: %1</translation>
    </message>
    <message>
        <source>This project generates its images of coloured shapes into %1 when training starts; they appear here after that (Rescan).</source>
        <translation>Dieses Projekt erzeugt seine Bilder farbiger Formen in %1, sobald das Training startet; danach erscheinen sie hier (Neu einlesen).</translation>
    </message>
</context>
<context>
    <name>sds::widgets::GettingStartedPanel</name>
    <message>
        <source>Getting started</source>
        <translation>Erste Schritte</translation>
    </message>
    <message>
        <source>&lt;b&gt;Three steps to a first run&lt;/b&gt;</source>
        <translation>&lt;b&gt;Drei Schritte zum ersten Training&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Try the &amp;Demo</source>
        <translation>Demo a&amp;usprobieren</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Ausblenden</translation>
    </message>
    <message>
        <source>Hide these steps; every setting stays below</source>
        <translation>Diese Schritte ausblenden; alle Einstellungen bleiben darunter</translation>
    </message>
    <message>
        <source>1. Base model</source>
        <translation>1. Basismodell</translation>
    </message>
    <message>
        <source>2. Images</source>
        <translation>2. Bilder</translation>
    </message>
    <message>
        <source>3. Start</source>
        <translation>3. Start</translation>
    </message>
    <message>
        <source>&amp;Model Folder…</source>
        <translation>&amp;Modellordner…</translation>
    </message>
    <message>
        <source>A diffusers folder, with model_index.json</source>
        <translation>Ein diffusers-Ordner mit model_index.json</translation>
    </message>
    <message>
        <source>Model Fi&amp;le…</source>
        <translation>Modelldate&amp;i…</translation>
    </message>
    <message>
        <source>A single-file checkpoint (.safetensors), as A1111 and ComfyUI use</source>
        <translation>Ein Checkpoint in einer Datei (.safetensors), wie A1111 und ComfyUI ihn nutzen</translation>
    </message>
    <message>
        <source>&amp;Image Folder…</source>
        <translation>&amp;Bildordner…</translation>
    </message>
    <message>
        <source>A folder of images with a caption file beside each (or drop the folder on the Dataset page)</source>
        <translation>Ein Ordner mit Bildern und je einer Datei mit der Bildunterschrift daneben (oder ziehen Sie den Ordner auf die Seite „Datensatz“)</translation>
    </message>
    <message>
        <source>Start &amp;Training</source>
        <translation>&amp;Training starten</translation>
    </message>
    <message>
        <source>Settings for your &amp;graphics card:</source>
        <translation>Einstellungen für Ihre &amp;Grafikkarte:</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Voreinstellung</translation>
    </message>
    <message>
        <source>&amp;Apply Preset</source>
        <translation>Voreinstellung an&amp;wenden</translation>
    </message>
    <message>
        <source>Sets the method, batch size, resolution, precision, memory savers and learning rate; the model, the images and the output stay as they are</source>
        <translation>Setzt Methode, Batchgröße, Auflösung, Genauigkeit, Speichersparer und Lernrate; Modell, Bilder und Ausgabe bleiben, wie sie sind</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>to do</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>Choose the Stable Diffusion model to fine-tune: SD 1.x, SD 2.x or SDXL.</source>
        <translation>Wählen Sie das Stable-Diffusion-Modell, das Sie feintrainieren möchten: SD 1.x, SD 2.x oder SDXL.</translation>
    </message>
    <message>
        <source>Choose a folder of images; a .txt file beside each image holds its caption.</source>
        <translation>Wählen Sie einen Ordner mit Bildern; eine .txt-Datei neben jedem Bild enthält seine Bildunterschrift.</translation>
    </message>
    <message>
        <source>Start training; the loss, the log and sample images appear on the Training page.</source>
        <translation>Starten Sie das Training; Verlust, Protokoll und Beispielbilder erscheinen auf der Seite „Training“.</translation>
    </message>
    <message>
        <source>Train a tiny model from scratch on generated pictures of coloured shapes, on this computer: about nine minutes on two CPU cores</source>
        <translation>Ein winziges Modell von Grund auf mit erzeugten Bildern farbiger Formen auf diesem Computer trainieren: etwa neun Minuten auf zwei CPU-Kernen</translation>
    </message>
    <message>
        <source>&lt;b&gt;No GPU was found on this computer.&lt;/b&gt; Training runs on the CPU instead: it works, but far slower than on a graphics card, so fine-tuning a Stable Diffusion model takes a long time. The demo is made for the CPU and trains in about nine minutes on two cores.</source>
        <translation>&lt;b&gt;Auf diesem Computer wurde keine GPU gefunden.&lt;/b&gt; Das Training läuft stattdessen auf der CPU: Das funktioniert, ist aber weit langsamer als auf einer Grafikkarte, sodass das Feintraining eines Stable-Diffusion-Modells lange dauert. Die Demo ist für die CPU gemacht und trainiert auf zwei Kernen in etwa neun Minuten.</translation>
    </message>
</context>
<context>
    <name>sds::widgets::GpuPicker</name>
    <message>
        <source>Looking for GPUs…</source>
        <translation>Suche nach GPUs …</translation>
    </message>
    <message>
        <source>No GPU found: training runs on the CPU.</source>
        <translation>Keine GPU gefunden: Das Training läuft auf der CPU.</translation>
    </message>
    <message>
        <source>Train on:</source>
        <translation>Trainieren auf:</translation>
    </message>
    <message>
        <source>GPU %1: %2, %3 GiB</source>
        <translation>GPU %1: %2, %3 GiB</translation>
    </message>
</context>
<context>
    <name>sds::widgets::JoinSwarmDialog</name>
    <message>
        <source>Join a swarm</source>
        <translation>Einem Schwarm beitreten</translation>
    </message>
    <message>
        <source>Paste an invitation: sdswarm1 sdsrun-… host:port</source>
        <translation>Einladung einfügen: sdswarm1 sdsrun-… Host:Port</translation>
    </message>
    <message>
        <source>sdsrun-…</source>
        <translation>sdsrun-…</translation>
    </message>
    <message>
        <source>203.0.113.7:4300, another peer…</source>
        <translation>203.0.113.7:4300, ein weiterer Teilnehmer…</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>ein freier Port</translation>
    </message>
    <message>
        <source>Ask the router to forward the port (UPnP)</source>
        <translation>Den Router bitten, den Port weiterzuleiten (UPnP)</translation>
    </message>
    <message>
        <source>Where no router answers or it refuses, this computer takes part in client mode: it sends its work and receives the averages, but averages no part for the others.</source>
        <translation>Antwortet kein Router oder lehnt er ab, nimmt dieser Computer im Client-Modus teil: Er sendet seine Arbeit und empfängt die Mittelwerte, mittelt aber keinen Teil für die anderen.</translation>
    </message>
    <message>
        <source>Client mode (accept no connections)</source>
        <translation>Client-Modus (keine Verbindungen annehmen)</translation>
    </message>
    <message>
        <source>&amp;Invitation:</source>
        <translation>&amp;Einladung:</translation>
    </message>
    <message>
        <source>Run &amp;key:</source>
        <translation>&amp;Schlüssel des Laufs:</translation>
    </message>
    <message>
        <source>&amp;Peers:</source>
        <translation>&amp;Teilnehmer:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>&amp;Beitreten</translation>
    </message>
    <message>
        <source>Not an invitation: %1</source>
        <translation>Keine Einladung: %1</translation>
    </message>
    <message>
        <source>Enter the run&apos;s key or paste an invitation.</source>
        <translation>Geben Sie den Schlüssel des Laufs ein oder fügen Sie eine Einladung ein.</translation>
    </message>
    <message>
        <source>A run key begins with &quot;sdsrun-&quot;.</source>
        <translation>Ein Schlüssel eines Laufs beginnt mit „sdsrun-“.</translation>
    </message>
    <message>
        <source>Enter the address of at least one peer of the run (host:port).</source>
        <translation>Geben Sie die Adresse mindestens eines Teilnehmers des Laufs ein (Host:Port).</translation>
    </message>
    <message>
        <source>Peer address %1</source>
        <translation>Adresse des Teilnehmers %1</translation>
    </message>
    <message>
        <source>&amp;Check reachability</source>
        <translation>Erreichbarkeit &amp;prüfen</translation>
    </message>
    <message>
        <source>Ask the router whether it forwards this port to this computer (the mapping is removed again)</source>
        <translation>Den Router fragen, ob er diesen Port an diesen Computer weiterleitet (die Weiterleitung wird wieder entfernt)</translation>
    </message>
    <message>
        <source>Asking the router about port %1…</source>
        <translation>Der Router wird nach Port %1 gefragt…</translation>
    </message>
    <message>
        <source>The check failed: %1</source>
        <translation>Die Prüfung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Reachable: the router forwards port %1; other peers reach this computer at %2.</source>
        <translation>Erreichbar: Der Router leitet Port %1 weiter; andere Teilnehmer erreichen diesen Computer unter %2.</translation>
    </message>
    <message>
        <source>Not reachable by UPnP (%1): a bootstrap node that relays (sdtrain swarm bootstrap does) would forward the others&apos; connections to this computer; without one it would take part in client mode, sending its work and receiving the averages but averaging no part for the others.</source>
        <translation>Per UPnP nicht erreichbar (%1): Ein Bootstrap-Knoten, der weiterleitet (sdtrain swarm bootstrap tut es), würde die Verbindungen der anderen an diesen Computer weiterreichen; ohne ihn würde dieser Computer im Client-Modus teilnehmen, also seine Arbeit senden und die Mittelwerte empfangen, aber keinen Teil für die anderen mitteln.</translation>
    </message>
</context>
<context>
    <name>sds::widgets::LogTerminal</name>
    <message>
        <source>Trainer log</source>
        <translation>Protokoll des Trainers</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy all</source>
        <translation>Alles kopieren</translation>
    </message>
    <message>
        <source>Log level filter</source>
        <translation>Filter nach Protokollstufe</translation>
    </message>
    <message>
        <source>Show only lines of this level and above</source>
        <translation>Nur Zeilen dieser Stufe und darüber anzeigen</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>Debug und darüber</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info und darüber</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Search the log…</source>
        <translation>Protokoll durchsuchen…</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Protokoll durchsuchen</translation>
    </message>
    <message>
        <source>Find previous</source>
        <translation>Vorherigen Treffer suchen</translation>
    </message>
    <message>
        <source>Find next (Enter)</source>
        <translation>Nächsten Treffer suchen (Eingabetaste)</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>Nächsten Treffer suchen</translation>
    </message>
    <message>
        <source>Keep the newest line in view; scrolling up pauses this</source>
        <translation>Die neueste Zeile im Blick behalten; Hochscrollen hält das an</translation>
    </message>
    <message>
        <source>Save the whole log to a text file</source>
        <translation>Das ganze Protokoll in eine Textdatei speichern</translation>
    </message>
    <message>
        <source>Save Log</source>
        <translation>Protokoll speichern</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt)</source>
        <translation>Protokolldateien (*.log *.txt)</translation>
    </message>
    <message>
        <source>Remove every line from the view</source>
        <translation>Alle Zeilen aus der Ansicht entfernen</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>Kein Treffer</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>Mitlaufen</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Text to find in the log; Enter finds the next line containing it</source>
        <translation>Text, der im Protokoll gesucht wird; die Eingabetaste findet die nächste Zeile, die ihn enthält</translation>
    </message>
    <message>
        <source>Search result</source>
        <translation>Suchergebnis</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
</context>
<context>
    <name>sds::widgets::LossChart</name>
    <message>
        <source>Loss chart</source>
        <translation>Loss-Diagramm</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Smoothed loss</source>
        <translation>Geglätteter Loss</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>Validierungs-Loss</translation>
    </message>
    <message>
        <source>Show the loss on a logarithmic axis</source>
        <translation>Den Loss auf einer logarithmischen Achse zeigen</translation>
    </message>
    <message>
        <source>Show the whole run and follow new steps again</source>
        <translation>Den ganzen Lauf zeigen und neuen Schritten wieder folgen</translation>
    </message>
    <message>
        <source>Save the chart as drawn as a PNG image</source>
        <translation>Das Diagramm wie gezeichnet als PNG-Bild speichern</translation>
    </message>
    <message>
        <source>Save every step&apos;s loss, smoothed loss and learning rate, and the validation losses, as CSV</source>
        <translation>Loss, geglätteten Loss und Lernrate jedes Schritts sowie die Validierungs-Losses als CSV speichern</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Export Chart</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Export Loss Data</source>
        <translation>Loss-Daten exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>Logarithmisch</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>PNG exportieren…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
</context>
<context>
    <name>sds::widgets::MainWindow</name>
    <message>
        <source>SD Studio projects (*.toml);;All files (*)</source>
        <translation>SD-Studio-Projekte (*.toml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>Abschnitte</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispielbilder</translation>
    </message>
    <message>
        <source>Swarm</source>
        <translation>Schwarm</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New Project</source>
        <translation>&amp;Neues Projekt</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>Open &amp;Demo Project</source>
        <translation>&amp;Demoprojekt öffnen</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Speichern &amp;unter…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About SD Studio</source>
        <translation>Ü&amp;ber SD Studio</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <source>Cannot Open Project</source>
        <translation>Projekt kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>%1 could not be opened:

%2</source>
        <translation>%1 konnte nicht geöffnet werden:

%2</translation>
    </message>
    <message>
        <source>Problems in the Project File</source>
        <translation>Probleme in der Projektdatei</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) were found in %1. Settings that could not be read show their default and are marked on the Project page; the file itself is unchanged until you save.</source>
        <translation>
            <numerusform>In %1 wurde %n Problem gefunden. Einstellungen, die nicht gelesen werden konnten, zeigen ihren Standardwert und sind auf der Seite „Projekt“ markiert; die Datei selbst bleibt unverändert, bis Sie speichern.</numerusform>
            <numerusform>In %1 wurden %n Probleme gefunden. Einstellungen, die nicht gelesen werden konnten, zeigen ihren Standardwert und sind auf der Seite „Projekt“ markiert; die Datei selbst bleibt unverändert, bis Sie speichern.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot Open Demo</source>
        <translation>Demo kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>The demo project could not be written to %1: %2</source>
        <translation>Das Demoprojekt konnte nicht nach %1 geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Save Project As</source>
        <translation>Projekt speichern unter</translation>
    </message>
    <message>
        <source>Cannot Save</source>
        <translation>Speichern nicht möglich</translation>
    </message>
    <message>
        <source>These settings hold text that is not a valid number: %1. Correct them on the Project page, then save again.</source>
        <translation>Diese Einstellungen enthalten Text, der keine gültige Zahl ist: %1. Korrigieren Sie sie auf der Seite „Projekt“ und speichern Sie dann erneut.</translation>
    </message>
    <message>
        <source>Save With Problems?</source>
        <translation>Trotz Problemen speichern?</translation>
    </message>
    <message numerus="yes">
        <source>The project has %n problem(s) marked on the Project page. Training will not start until they are fixed. Save anyway?</source>
        <translation>
            <numerusform>Das Projekt hat %n Problem, das auf der Seite „Projekt“ markiert ist. Das Training startet erst, wenn es behoben ist. Trotzdem speichern?</numerusform>
            <numerusform>Das Projekt hat %n Probleme, die auf der Seite „Projekt“ markiert sind. Das Training startet erst, wenn sie behoben sind. Trotzdem speichern?</numerusform>
        </translation>
    </message>
    <message>
        <source>The project could not be saved, and the file on disk is unchanged.

%1</source>
        <translation>Das Projekt konnte nicht gespeichert werden; die Datei auf dem Datenträger ist unverändert.

%1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Unsaved Changes</source>
        <translation>Nicht gespeicherte Änderungen</translation>
    </message>
    <message>
        <source>%1 has unsaved changes. Save them?</source>
        <translation>%1 enthält nicht gespeicherte Änderungen. Möchten Sie sie speichern?</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>%1[*] — SD Studio</source>
        <translation>%1[*] — SD Studio</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <source>Project valid</source>
        <translation>Projekt gültig</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n Fehler</numerusform>
            <numerusform>%n Fehler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n Warnung</numerusform>
            <numerusform>%n Warnungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot Start Training</source>
        <translation>Training kann nicht starten</translation>
    </message>
    <message numerus="yes">
        <source>The project has %n problem(s) marked on the Project page. Fix them, then start again.</source>
        <translation>
            <numerusform>Das Projekt hat %n auf der Projektseite markiertes Problem. Beheben Sie es und starten Sie erneut.</numerusform>
            <numerusform>Das Projekt hat %n auf der Projektseite markierte Probleme. Beheben Sie sie und starten Sie erneut.</numerusform>
        </translation>
    </message>
    <message>
        <source>The base model cannot be used:

%1</source>
        <translation>Das Basismodell kann nicht verwendet werden:

%1</translation>
    </message>
    <message>
        <source>Resume Training?</source>
        <translation>Training fortsetzen?</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Trainer Still Stopping</source>
        <translation>Trainer hält noch an</translation>
    </message>
    <message>
        <source>The trainer is still stopping (it may be writing a checkpoint). Quit now and end it at once?</source>
        <translation>Der Trainer hält noch an (vielleicht schreibt er gerade einen Checkpoint). Jetzt beenden und ihn sofort abbrechen?</translation>
    </message>
    <message>
        <source>Training in Progress</source>
        <translation>Training läuft</translation>
    </message>
    <message>
        <source>Training is still running. Stop it before closing?</source>
        <translation>Das Training läuft noch. Vor dem Schließen anhalten?</translation>
    </message>
    <message>
        <source>Stop with a Checkpoint</source>
        <translation>Mit Checkpoint anhalten</translation>
    </message>
    <message>
        <source>Cancel Training</source>
        <translation>Training abbrechen</translation>
    </message>
    <message>
        <source>Keep Training</source>
        <translation>Weiter trainieren</translation>
    </message>
    <message>
        <source>With a checkpoint the run can be resumed later from where it stopped; cancelling keeps only the checkpoints already written.</source>
        <translation>Mit Checkpoint lässt sich der Lauf später dort fortsetzen, wo er anhielt; beim Abbrechen bleiben nur die schon geschriebenen Checkpoints.</translation>
    </message>
    <message>
        <source>Stopping the trainer; the window closes when it has ended…</source>
        <translation>Der Trainer wird angehalten; das Fenster schließt sich, sobald er beendet ist…</translation>
    </message>
    <message>
        <source>The run folder %1 already holds checkpoints, the newest at step %2. Resume the run from there?

To start a new run instead, choose another folder in Output → Output folder on the Project page.</source>
        <translation>Der Ordner des Laufs %1 enthält schon Checkpoints, den neuesten bei Schritt %2. Den Lauf dort fortsetzen?

Für einen neuen Lauf wählen Sie stattdessen auf der Projektseite unter Ausgabe → Ausgabeordner einen anderen Ordner.</translation>
    </message>
    <message>
        <source>&amp;Getting Started Steps</source>
        <translation>&amp;Erste Schritte</translation>
    </message>
    <message>
        <source>Rewrite the Project File?</source>
        <translation>Projektdatei neu schreiben?</translation>
    </message>
    <message>
        <source>Your comments and layout in %1 cannot be kept: %2.

Saving writes the file anew, with every setting listed and explained. Save anyway?</source>
        <translation>Ihre Kommentare und Ihr Layout in %1 können nicht erhalten bleiben: %2.

Beim Speichern wird die Datei neu geschrieben, mit allen Einstellungen samt Erklärung. Trotzdem speichern?</translation>
    </message>
    <message>
        <source>Base Model Folder</source>
        <translation>Ordner des Basismodells</translation>
    </message>
    <message>
        <source>Base Model File</source>
        <translation>Datei des Basismodells</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors);;All files (*)</source>
        <translation>Checkpoints (*.safetensors);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Image Folder</source>
        <translation>Bildordner</translation>
    </message>
    <message>
        <source>A new model from scratch (%1)</source>
        <translation>Ein neues Modell von Grund auf (%1)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Generated by the trainer (the demo&apos;s shapes)</source>
        <translation>Vom Trainer erzeugt (die Formen der Demo)</translation>
    </message>
    <message numerus="yes">
        <source>%n usable image(s) in %1</source>
        <translation>
            <numerusform>%n verwendbares Bild in %1</numerusform>
            <numerusform>%n verwendbare Bilder in %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Training has run; its checkpoints are in %1</source>
        <translation>Das Training ist gelaufen; seine Checkpoints liegen in %1</translation>
    </message>
    <message>
        <source>Applied the preset “%1” for %2 GB cards</source>
        <translation>Voreinstellung „%1“ für Grafikkarten mit %2 GB angewendet</translation>
    </message>
    <message>
        <source>Resuming the run from its checkpoint at step %1</source>
        <translation>Der Lauf wird an seinem Checkpoint bei Schritt %1 fortgesetzt</translation>
    </message>
    <message>
        <source>&lt;b&gt;What the demo learns.&lt;/b&gt; A tiny text-to-image model, trained from nothing on this computer, learns to draw the shape (circle, square or triangle), the shape&apos;s colour and the background&apos;s colour that a prompt names. Each column is one prompt; read it downwards to see its image turn from blurs into the named shape and colours. The first four prompts are in the training set; the last four are combinations the training set leaves out, so getting them right shows the model follows the words instead of recalling pictures. While the autoencoder trains first, its reconstructions show here too: inputs above, what it gives back below.</source>
        <translation>&lt;b&gt;Was die Demo lernt.&lt;/b&gt; Ein winziges Text-zu-Bild-Modell, von Grund auf auf diesem Computer trainiert, lernt die Form (Kreis, Quadrat oder Dreieck), die Farbe der Form und die Farbe des Hintergrunds zu zeichnen, die ein Prompt nennt. Jede Spalte ist ein Prompt; von oben nach unten gelesen wird sein Bild aus Flecken zur genannten Form in den genannten Farben. Die ersten vier Prompts kommen im Trainingsdatensatz vor; die letzten vier sind Kombinationen, die er auslässt – stimmen sie, folgt das Modell den Wörtern, statt sich an Bilder zu erinnern. Während zuerst der Autoencoder trainiert, erscheinen hier auch seine Rekonstruktionen: oben die Eingaben, unten was er daraus zurückgibt.</translation>
    </message>
    <message>
        <source>The project joins the swarm when training starts</source>
        <translation>Das Projekt tritt dem Schwarm bei, sobald das Training startet</translation>
    </message>
    <message>
        <source>Create a swarm</source>
        <translation>Einen Schwarm erstellen</translation>
    </message>
    <message>
        <source>sdtrain could not make a run key: %1</source>
        <translation>sdtrain konnte keinen Schlüssel für den Lauf erzeugen: %1</translation>
    </message>
    <message>
        <source>A new swarm for this project: start training, then copy the invitation</source>
        <translation>Ein neuer Schwarm für dieses Projekt: Starten Sie das Training, dann kopieren Sie die Einladung</translation>
    </message>
    <message>
        <source>Start training; the loss, the log and sample images appear on the Training page. The run (its checkpoints, samples, logs and the trained model) is written to the output folder beside the project file once it is saved (Output → Output folder).</source>
        <translation>Starten Sie das Training; Verlust, Protokoll und Beispielbilder erscheinen auf der Seite „Training“. Der Lauf (seine Checkpoints, Beispielbilder, Protokolle und das trainierte Modell) wird in den Ausgabeordner neben der Projektdatei geschrieben, sobald diese gespeichert ist (Ausgabe → Ausgabeordner).</translation>
    </message>
    <message>
        <source>Start training; the loss, the log and sample images appear on the Training page. The run (its checkpoints, samples, logs and the trained model) is written to %1.</source>
        <translation>Starten Sie das Training; Verlust, Protokoll und Beispielbilder erscheinen auf der Seite „Training“. Der Lauf (seine Checkpoints, Beispielbilder, Protokolle und das trainierte Modell) wird nach %1 geschrieben.</translation>
    </message>
</context>
<context>
    <name>sds::widgets::ModelPicker</name>
    <message>
        <source>Choose a diffusers model folder (with model_index.json)</source>
        <translation>Einen diffusers-Modellordner (mit model_index.json) wählen</translation>
    </message>
    <message>
        <source>Choose a single-file checkpoint (.safetensors) as A1111 and ComfyUI use</source>
        <translation>Einen Einzeldatei-Checkpoint (.safetensors) wählen, wie ihn A1111 und ComfyUI verwenden</translation>
    </message>
    <message>
        <source>Base model folder</source>
        <translation>Ordner des Basismodells</translation>
    </message>
    <message>
        <source>Base model checkpoint</source>
        <translation>Checkpoint des Basismodells</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors);;All files (*)</source>
        <translation>Checkpoints (*.safetensors);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Base model:</source>
        <translation>Basismodell:</translation>
    </message>
    <message>
        <source>none chosen</source>
        <translation>keins gewählt</translation>
    </message>
    <message>
        <source>new weights from scratch (architecture %1)</source>
        <translation>neue Gewichte von Grund auf (Architektur %1)</translation>
    </message>
    <message>
        <source>The trainer (sdtrain) was not found, so the model cannot be checked.</source>
        <translation>Der Trainer (sdtrain) wurde nicht gefunden, daher kann das Modell nicht geprüft werden.</translation>
    </message>
    <message>
        <source>checking %1…</source>
        <translation>prüfe %1…</translation>
    </message>
    <message>
        <source>sdtrain model info failed (%1).</source>
        <translation>sdtrain model info ist fehlgeschlagen (%1).</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>%1 cannot be used as the base model.</source>
        <translation>%1 kann nicht als Basismodell verwendet werden.</translation>
    </message>
    <message>
        <source>%1 — %2, %3 px, %4 M UNet parameters (%5)</source>
        <translation>%1 — %2, %3 px, %4 Mio. UNet-Parameter (%5)</translation>
    </message>
    <message>
        <source>Model folder…</source>
        <translation>Modellordner…</translation>
    </message>
    <message>
        <source>Checkpoint file…</source>
        <translation>Checkpoint-Datei…</translation>
    </message>
</context>
<context>
    <name>sds::widgets::ProjectDocument</name>
    <message>
        <source>Untitled</source>
        <translation>Unbenannt</translation>
    </message>
</context>
<context>
    <name>sds::widgets::ProjectPage</name>
    <message>
        <source>Find a setting…</source>
        <translation>Einstellung suchen…</translation>
    </message>
    <message>
        <source>Find a setting</source>
        <translation>Einstellung suchen</translation>
    </message>
</context>
<context>
    <name>sds::widgets::SamplesGrid</name>
    <message>
        <source>Samples by prompt and step</source>
        <translation>Beispielbilder nach Prompt und Schritt</translation>
    </message>
    <message>
        <source>Step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>(no prompt)</source>
        <translation>(kein Prompt)</translation>
    </message>
    <message>
        <source>%1
Step %2 · seed %3</source>
        <translation>%1
Schritt %2 · Seed %3</translation>
    </message>
</context>
<context>
    <name>sds::widgets::SamplesPage</name>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Step %1 · seed %2</source>
        <translation>Schritt %1 · Seed %2</translation>
    </message>
    <message>
        <source>Sample images</source>
        <translation>Beispielbilder</translation>
    </message>
    <message>
        <source>Prompt filter</source>
        <translation>Filter nach Prompt</translation>
    </message>
    <message>
        <source>All prompts</source>
        <translation>Alle Prompts</translation>
    </message>
    <message>
        <source>&amp;Compare</source>
        <translation>&amp;Vergleichen</translation>
    </message>
    <message>
        <source>Show the two selected samples side by side</source>
        <translation>Die beiden gewählten Beispielbilder nebeneinander zeigen</translation>
    </message>
    <message>
        <source>&amp;Open run folder</source>
        <translation>Ordner des Laufs ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Open the run&apos;s folder in the file manager</source>
        <translation>Den Ordner des Laufs im Dateimanager öffnen</translation>
    </message>
    <message>
        <source>&amp;Prompt:</source>
        <translation>&amp;Prompt:</translation>
    </message>
    <message>
        <source>Step %1
%2</source>
        <translation>Schritt %1
%2</translation>
    </message>
    <message>
        <source>%1
Step %2 · seed %3</source>
        <translation>%1
Schritt %2 · Seed %3</translation>
    </message>
    <message>
        <source>No samples yet. They appear here as the trainer makes them (see the Samples section of the Project page for prompts and interval).</source>
        <translation>Noch keine Beispielbilder. Sie erscheinen hier, sobald der Trainer sie erzeugt (Prompts und Intervall stehen im Abschnitt Beispielbilder der Projektseite).</translation>
    </message>
    <message>
        <source>%1 of %2 samples shown. Double-click one to see it at full size; select two to compare them.</source>
        <translation>%1 von %2 Beispielbildern angezeigt. Doppelklicken Sie eins für die volle Größe; wählen Sie zwei, um sie zu vergleichen.</translation>
    </message>
    <message>
        <source>Sample at step %1</source>
        <translation>Beispielbild bei Schritt %1</translation>
    </message>
    <message>
        <source>Step %1 and step %2</source>
        <translation>Schritt %1 und Schritt %2</translation>
    </message>
    <message>
        <source>Samples view</source>
        <translation>Ansicht der Beispielbilder</translation>
    </message>
    <message>
        <source>Gallery, newest first</source>
        <translation>Galerie, neueste zuerst</translation>
    </message>
    <message>
        <source>Grid: prompts × steps</source>
        <translation>Raster: Prompts × Schritte</translation>
    </message>
    <message>
        <source>The grid shows one column per prompt and one row per sampled step, so each column shows how that prompt improved</source>
        <translation>Das Raster zeigt eine Spalte je Prompt und eine Zeile je Schritt mit Beispielbildern; so zeigt jede Spalte, wie sich dieser Prompt verbessert hat</translation>
    </message>
    <message>
        <source>&amp;View:</source>
        <translation>&amp;Ansicht:</translation>
    </message>
    <message>
        <source>%1 of %2 samples shown: %3 prompts, %4 steps. Double-click one to see it at full size.</source>
        <translation>%1 von %2 Beispielbildern angezeigt: %3 Prompts, %4 Schritte. Doppelklick zeigt eines in voller Größe.</translation>
    </message>
</context>
<context>
    <name>sds::widgets::SettingEditor</name>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose a folder…</source>
        <translation>Ordner auswählen…</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>Datei auswählen…</translation>
    </message>
    <message>
        <source>Browse for %1</source>
        <translation>%1 auswählen</translation>
    </message>
    <message>
        <source>Enter a whole number, for example 42.</source>
        <translation>Geben Sie eine ganze Zahl ein, zum Beispiel 42.</translation>
    </message>
    <message>
        <source>Enter a number, for example 0.5 or 1e-5.</source>
        <translation>Geben Sie eine Zahl ein, zum Beispiel 0.5 oder 1e-5.</translation>
    </message>
    <message>
        <source>In the project file: %1</source>
        <translation>In der Projektdatei: %1</translation>
    </message>
</context>
<context>
    <name>sds::widgets::SwarmPage</name>
    <message>
        <source>Not in a swarm. Join one, or create one for this project and invite others.</source>
        <translation>In keinem Schwarm. Treten Sie einem bei oder erstellen Sie einen für dieses Projekt und laden Sie andere ein.</translation>
    </message>
    <message>
        <source>no run key yet</source>
        <translation>noch kein Schlüssel</translation>
    </message>
    <message>
        <source>Run key</source>
        <translation>Schlüssel des Laufs</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <source>&amp;Copy invitation</source>
        <translation>Einladung &amp;kopieren</translation>
    </message>
    <message>
        <source>Copy one line with the run&apos;s key and the addresses to join through; give it only to people who may train in this run</source>
        <translation>Eine Zeile mit dem Schlüssel des Laufs und den Adressen zum Beitreten kopieren; geben Sie sie nur Personen, die in diesem Lauf trainieren dürfen</translation>
    </message>
    <message>
        <source>&amp;Join a swarm…</source>
        <translation>Einem Schwarm &amp;beitreten…</translation>
    </message>
    <message>
        <source>&amp;Leave</source>
        <translation>&amp;Verlassen</translation>
    </message>
    <message>
        <source>Leave the swarm after the current round; training goes on alone</source>
        <translation>Den Schwarm nach der laufenden Runde verlassen; das Training geht allein weiter</translation>
    </message>
    <message>
        <source>C&amp;reate a swarm</source>
        <translation>Schwarm &amp;erstellen</translation>
    </message>
    <message>
        <source>Make a new run key for this project; start training, then copy the invitation</source>
        <translation>Einen neuen Schlüssel für dieses Projekt erzeugen; dann das Training starten und die Einladung kopieren</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>Teilnehmer</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <source>Samples/s</source>
        <translation>Samples/s</translation>
    </message>
    <message>
        <source>Client mode</source>
        <translation>Client-Modus</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Training waited</source>
        <translation>Training wartete</translation>
    </message>
    <message>
        <source>MB out / in</source>
        <translation>MB gesendet / empfangen</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>MB sent</source>
        <translation>MB gesendet</translation>
    </message>
    <message>
        <source>MB received</source>
        <translation>MB empfangen</translation>
    </message>
    <message>
        <source>round</source>
        <translation>Runde</translation>
    </message>
    <message>
        <source>MB</source>
        <translation>MB</translation>
    </message>
    <message>
        <source>Run key:</source>
        <translation>Schlüssel des Laufs:</translation>
    </message>
    <message>
        <source>Join a swarm now; training goes on meanwhile</source>
        <translation>Jetzt einem Schwarm beitreten; das Training läuft währenddessen weiter</translation>
    </message>
    <message>
        <source>Set this project to join a swarm when training starts</source>
        <translation>Dieses Projekt so einstellen, dass es beim Start des Trainings einem Schwarm beitritt</translation>
    </message>
    <message>
        <source>Joining</source>
        <translation>Tritt bei</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Finding a group</source>
        <translation>Sucht eine Gruppe</translation>
    </message>
    <message>
        <source>Averaging the state</source>
        <translation>Mittelt den Zustand</translation>
    </message>
    <message>
        <source>Downloading the swarm&apos;s state</source>
        <translation>Lädt den Zustand des Schwarms</translation>
    </message>
    <message>
        <source>Left the swarm</source>
        <translation>Schwarm verlassen</translation>
    </message>
    <message>
        <source>Could not join</source>
        <translation>Beitritt fehlgeschlagen</translation>
    </message>
    <message>
        <source>Peer %1 in client mode (DHT port %2)</source>
        <translation>Teilnehmer %1 im Client-Modus (DHT-Port %2)</translation>
    </message>
    <message>
        <source>Peer %1 at %2 (DHT port %3)</source>
        <translation>Teilnehmer %1 unter %2 (DHT-Port %3)</translation>
    </message>
    <message>
        <source> (this computer)</source>
        <translation> (dieser Computer)</translation>
    </message>
    <message>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <source>The swarm&apos;s epoch %1 (this computer&apos;s %2) · %3 samples/s together · this computer&apos;s share %4 %</source>
        <translation>Epoche des Schwarms %1 (dieser Computer: %2) · zusammen %3 Samples/s · Anteil dieses Computers %4 %</translation>
    </message>
    <message>
        <source>outer step</source>
        <translation>äußerer Schritt</translation>
    </message>
    <message>
        <source>state</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>gradients</source>
        <translation>Gradienten</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
</context>
<context>
    <name>sds::widgets::TrainerProcess</name>
    <message>
        <source>A training run is already in progress.</source>
        <translation>Es läuft bereits ein Training.</translation>
    </message>
    <message>
        <source>The trainer (sdtrain) was not found beside sdstudio or on the PATH; set SDS_SDTRAIN to its location.</source>
        <translation>Der Trainer (sdtrain) wurde weder neben sdstudio noch im PATH gefunden; setzen Sie SDS_SDTRAIN auf seinen Pfad.</translation>
    </message>
    <message>
        <source>The trainer %1 could not be started: %2</source>
        <translation>Der Trainer %1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>Unreadable line from the trainer (%1): %2</source>
        <translation>Unlesbare Zeile vom Trainer (%1): %2</translation>
    </message>
    <message>
        <source>The trainer stopped unexpectedly (it crashed or was killed, for example by the system when memory ran out).</source>
        <translation>Der Trainer hat unerwartet aufgehört (er ist abgestürzt oder wurde beendet, etwa vom System, als der Speicher knapp wurde).</translation>
    </message>
    <message>
        <source>The trainer ended with exit code %1 without reporting why.</source>
        <translation>Der Trainer endete mit dem Exit-Code %1, ohne einen Grund zu melden.</translation>
    </message>
    <message>
        <source>The last lines it printed are shown below.</source>
        <translation>Seine letzten Ausgabezeilen stehen unten.</translation>
    </message>
    <message>
        <source>The trainer responds again.</source>
        <translation>Der Trainer antwortet wieder.</translation>
    </message>
    <message numerus="yes">
        <source>The trainer has written nothing for %n s, not even its heartbeat.</source>
        <translation>
            <numerusform>Der Trainer hat seit %n s nichts geschrieben, nicht einmal sein Lebenszeichen.</numerusform>
            <numerusform>Der Trainer hat seit %n s nichts geschrieben, nicht einmal sein Lebenszeichen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more lines from the trainer that were no events were not shown.</source>
        <translation>
            <numerusform>%n weitere Zeile des Trainers, die kein Ereignis war, wurde nicht angezeigt.</numerusform>
            <numerusform>%n weitere Zeilen des Trainers, die keine Ereignisse waren, wurden nicht angezeigt.</numerusform>
        </translation>
    </message>
    <message>
        <source>The trainer wrote a line of more than %1 MiB; it was dropped.</source>
        <translation>Der Trainer schrieb eine Zeile von mehr als %1 MiB; sie wurde verworfen.</translation>
    </message>
    <message>
        <source>The trainer wrote a line of more than %1 MiB to stderr; it was dropped.</source>
        <translation>Der Trainer schrieb eine Zeile von mehr als %1 MiB nach stderr; sie wurde verworfen.</translation>
    </message>
    <message>
        <source>The trainer was ended from the studio.</source>
        <translation>Der Trainer wurde vom Studio aus beendet.</translation>
    </message>
</context>
<context>
    <name>sds::widgets::TrainingPage</name>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Save the project and start training (continues the run when it has checkpoints)</source>
        <translation>Das Projekt speichern und das Training starten (setzt den Lauf fort, wenn er Checkpoints hat)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>Finish the current step, then wait; press again to resume</source>
        <translation>Den laufenden Schritt beenden, dann warten; erneut drücken zum Fortsetzen</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>Anha&amp;lten</translation>
    </message>
    <message>
        <source>Stop after writing a checkpoint, so the run can be resumed</source>
        <translation>Nach dem Schreiben eines Checkpoints anhalten, damit der Lauf fortgesetzt werden kann</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Stop and save a checkpoint</source>
        <translation>Anhalten und Checkpoint speichern</translation>
    </message>
    <message>
        <source>Cancel without a checkpoint</source>
        <translation>Ohne Checkpoint abbrechen</translation>
    </message>
    <message>
        <source>Save &amp;now</source>
        <translation>Jetzt s&amp;ichern</translation>
    </message>
    <message>
        <source>Write a checkpoint now and keep training</source>
        <translation>Jetzt einen Checkpoint schreiben und weiter trainieren</translation>
    </message>
    <message>
        <source>Sa&amp;mple now</source>
        <translation>Jetzt &amp;Beispielbilder</translation>
    </message>
    <message>
        <source>Make sample images for the project&apos;s prompts now and keep training</source>
        <translation>Jetzt Beispielbilder zu den Prompts des Projekts erzeugen und weiter trainieren</translation>
    </message>
    <message>
        <source>Training progress</source>
        <translation>Trainingsfortschritt</translation>
    </message>
    <message>
        <source>Last lines of the trainer</source>
        <translation>Letzte Zeilen des Trainers</translation>
    </message>
    <message>
        <source>&amp;Resume from the last checkpoint</source>
        <translation>Ab dem letzten Checkpoint &amp;fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>Ausbl&amp;enden</translation>
    </message>
    <message>
        <source>Idle. Press Start to train the project.</source>
        <translation>Bereit. Starten trainiert das Projekt.</translation>
    </message>
    <message>
        <source>Starting the trainer for %1</source>
        <translation>Der Trainer für %1 startet</translation>
    </message>
    <message>
        <source>Resuming %1 from %2</source>
        <translation>%1 wird ab %2 fortgesetzt</translation>
    </message>
    <message>
        <source>Starting the demo in %1: first the autoencoder, then the text-to-image model</source>
        <translation>Die Demo in %1 startet: zuerst der Autoencoder, dann das Text-zu-Bild-Modell</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Starting the trainer…</source>
        <translation>Der Trainer startet…</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Das Modell wird geladen…</translation>
    </message>
    <message>
        <source>Scanning the dataset…</source>
        <translation>Der Datensatz wird eingelesen…</translation>
    </message>
    <message>
        <source>Caching latents and text embeddings…</source>
        <translation>Latents und Text-Embeddings werden zwischengespeichert…</translation>
    </message>
    <message>
        <source>Making sample images…</source>
        <translation>Beispielbilder werden erzeugt…</translation>
    </message>
    <message>
        <source>Saving a checkpoint…</source>
        <translation>Ein Checkpoint wird gespeichert…</translation>
    </message>
    <message>
        <source>Paused at step %1. Press Resume to continue.</source>
        <translation>Angehalten bei Schritt %1. Fortsetzen setzt das Training fort.</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird angehalten…</translation>
    </message>
    <message>
        <source>Stopped at step %1; the run can be resumed.</source>
        <translation>Bei Schritt %1 angehalten; der Lauf kann fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Finished: %1 steps.</source>
        <translation>Fertig: %1 Schritte.</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>Fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Step %v of %m (%p%)</source>
        <translation>Schritt %v von %m (%p %)</translation>
    </message>
    <message>
        <source>Time left: %1</source>
        <translation>Restzeit: %1</translation>
    </message>
    <message>
        <source>%1 images/s</source>
        <translation>%1 Bilder/s</translation>
    </message>
    <message>
        <source>%1 it/s</source>
        <translation>%1 it/s</translation>
    </message>
    <message>
        <source>loss %1</source>
        <translation>Loss %1</translation>
    </message>
    <message>
        <source>epoch %1</source>
        <translation>Epoche %1</translation>
    </message>
    <message>
        <source>GPU memory %1 GiB</source>
        <translation>GPU-Speicher %1 GiB</translation>
    </message>
    <message>
        <source>The run can be resumed from its checkpoint at step %1.</source>
        <translation>Der Lauf kann ab seinem Checkpoint bei Schritt %1 fortgesetzt werden.</translation>
    </message>
    <message>
        <source>The run can be resumed from %1.</source>
        <translation>Der Lauf kann ab %1 fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Finished: %1 steps. The trained model is in the run folder.</source>
        <translation>Fertig: %1 Schritte. Das trainierte Modell liegt im Ordner des Laufs.</translation>
    </message>
    <message>
        <source>Stopped at step %1; press Start to resume the run.</source>
        <translation>Bei Schritt %1 angehalten; Starten setzt den Lauf fort.</translation>
    </message>
    <message>
        <source>The trainer failed (exit code %1). See the message above.</source>
        <translation>Der Trainer ist fehlgeschlagen (Exit-Code %1). Siehe die Meldung oben.</translation>
    </message>
    <message>
        <source>The trainer failed (exit code %1).</source>
        <translation>Der Trainer ist fehlgeschlagen (Exit-Code %1).</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>rank %1: %2 images/s, %3 GiB</source>
        <translation>Rang %1: %2 Bilder/s, %3 GiB</translation>
    </message>
    <message>
        <source>rank %1: %2 images/s</source>
        <translation>Rang %1: %2 Bilder/s</translation>
    </message>
    <message>
        <source>Join a s&amp;warm…</source>
        <translation>Einem S&amp;chwarm beitreten…</translation>
    </message>
    <message>
        <source>Train together with others from now on; this training goes on meanwhile</source>
        <translation>Ab jetzt mit anderen zusammen trainieren; dieses Training läuft währenddessen weiter</translation>
    </message>
    <message>
        <source>&amp;End the trainer</source>
        <translation>Trainer b&amp;eenden</translation>
    </message>
    <message>
        <source>End the trainer process at once; the run can be resumed from its last checkpoint</source>
        <translation>Den Trainer-Prozess sofort beenden; der Lauf kann ab seinem letzten Checkpoint fortgesetzt werden</translation>
    </message>
    <message>
        <source>&amp;Keep waiting</source>
        <translation>&amp;Weiter warten</translation>
    </message>
    <message numerus="yes">
        <source>The trainer has not responded for %n s.</source>
        <translation>
            <numerusform>Der Trainer antwortet seit %n s nicht.</numerusform>
            <numerusform>Der Trainer antwortet seit %n s nicht.</numerusform>
        </translation>
    </message>
    <message>
        <source>It wrote nothing, not even the sign of life it gives every few seconds: it may be suspended, stuck in the GPU driver, or the computer may be swapping. Wait if the computer is busy; otherwise end it and resume from its last checkpoint.</source>
        <translation>Er hat nichts geschrieben, nicht einmal das Lebenszeichen, das er alle paar Sekunden gibt: Er ist vielleicht angehalten, hängt im GPU-Treiber, oder der Computer lagert Speicher aus. Warten Sie, wenn der Computer beschäftigt ist; sonst beenden Sie ihn und setzen ab seinem letzten Checkpoint fort.</translation>
    </message>
</context>
</TS>
